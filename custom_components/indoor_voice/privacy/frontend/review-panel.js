// Indoor Voice: the "Voice review" page (administrators only).
// A plain web component, served by the integration itself: no build step, nothing from the
// internet. Data comes through the integration's admin-only websocket commands; a clip's
// audio and an export from admin-only endpoints, fetched with the user's login into a blob
// that lives only in this page (never a shareable URL, never cached). Its words are the
// integration's translations (review-i18n.js), in the user's language.

import { card, el, exportsCard, sharingCard } from "./review-cards.js";
import { Words } from "./review-i18n.js";
import { STYLE } from "./review-style.js";

class IndoorVoiceReview extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._data = null;
    this._consent = null;
    this._selected = new Set();
    this._drafts = new Map(); // clip id -> transcript being corrected, kept across redraws
    this._audio = new Map(); // clip id -> object URL, while the page shows it
    this._message = null;
    this._loading = false;
    this._words = new Words();
  }

  set hass(hass) {
    const first = !this._hass;
    const language = hass.language || "en";
    const relabel = !first && language !== this._language;
    this._hass = hass;
    this._language = language;
    if (this._menu) this._menu.hass = hass;
    if (first || relabel) this.refresh();
  }

  get hass() {
    return this._hass;
  }

  set narrow(narrow) {
    this._narrow = narrow;
    if (this._menu) this._menu.narrow = narrow;
  }

  connectedCallback() {
    if (this._hass) this.refresh();
  }

  disconnectedCallback() {
    this._forgetAudio();
  }

  _forgetAudio() {
    for (const url of this._audio.values()) URL.revokeObjectURL(url);
    this._audio.clear();
  }

  async refresh() {
    if (this._loading) return;
    this._loading = true;
    try {
      if (this._words.language !== this._language || !this._wordsLoaded) {
        this._words = await Words.load(this._hass, this._language);
        this._wordsLoaded = true;
      }
      const [data, consent] = await Promise.all([
        this._hass.callWS({ type: "indoor_voice/review/list" }),
        this._hass.callWS({ type: "indoor_voice/review/consent" }),
      ]);
      this._data = data;
      this._consent = consent;
      const ids = new Set(data.clips.map((clip) => clip.id));
      for (const id of [...this._selected]) if (!ids.has(id)) this._selected.delete(id);
      for (const id of [...this._drafts.keys()]) if (!ids.has(id)) this._drafts.delete(id);
      for (const [id, url] of [...this._audio]) {
        if (!ids.has(id)) {
          URL.revokeObjectURL(url);
          this._audio.delete(id);
        }
      }
    } catch (err) {
      this._message = { error: true, text: this._words.t("load_failed", { error: err.message || err }) };
    } finally {
      this._loading = false;
    }
    this._render();
  }

  async _run(action, success) {
    try {
      const result = await action();
      this._message = success ? { text: success(result) } : null;
    } catch (err) {
      this._message = { error: true, text: err.message || String(err) };
    }
    await this.refresh();
  }

  _update(clip, changes) {
    return this._hass.callWS({ type: "indoor_voice/review/update", clip_id: clip.id, ...changes });
  }

  _correction(clip) {
    const text = (this._drafts.get(clip.id) ?? "").trim();
    return text && text !== (clip.corrected ?? clip.transcript) ? { corrected: text } : {};
  }

  async _play(clip, slot) {
    let url = this._audio.get(clip.id);
    if (!url) {
      const response = await this._hass.fetchWithAuth(`/api/indoor_voice/review/${clip.id}/audio`, {
        cache: "no-store",
      });
      if (!response.ok) {
        this._message = { error: true, text: this._words.t("audio_failed", { status: response.status }) };
        this._render();
        return;
      }
      url = URL.createObjectURL(await response.blob());
      this._audio.set(clip.id, url);
    }
    const audio = el("audio", { controls: true, src: url, "data-clip": clip.id });
    slot.replaceChildren(audio);
    await audio.play();
  }

  _selectedClips() {
    return this._data.clips.filter((clip) => this._selected.has(clip.id));
  }

  _approveSelected() {
    const clips = this._selectedClips();
    return this._run(
      async () => {
        for (const clip of clips) await this._update(clip, { status: "approved", ...this._correction(clip) });
        this._selected.clear(); // done with them: the next choice starts from nothing
      },
      () => this._words.tp("approved", clips.length),
    );
  }

  _deleteClips(clips) {
    if (!clips.length || !confirm(this._words.tp("delete_confirm", clips.length))) return;
    return this._run(
      async () => {
        for (const clip of clips) {
          await this._hass.callWS({ type: "indoor_voice/review/delete", clip_id: clip.id });
        }
        this._selected.clear();
      },
      () => this._words.tp("deleted", clips.length),
    );
  }

  _export() {
    return this._run(
      () => this._hass.callWS({ type: "indoor_voice/review/export" }),
      (result) => this._words.tp("exported", result.clips),
    );
  }

  /** An export, saved by the browser: fetched with the user's login, never cached. */
  async _download(bundle) {
    try {
      const response = await this._hass.fetchWithAuth(
        `/api/indoor_voice/review/exports/${encodeURIComponent(bundle.name)}`,
        { cache: "no-store" },
      );
      if (!response.ok) throw new Error(this._words.t("download_failed", { status: response.status }));
      const url = URL.createObjectURL(await response.blob());
      const link = el("a", { href: url, download: bundle.name, style: "display:none" });
      this.shadowRoot.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000); // once the browser has saved it
    } catch (err) {
      this._message = { error: true, text: err.message || String(err) };
      this._render();
    }
  }

  _setSharing(enabled) {
    if (!enabled && !confirm(this._words.t("stop_confirm"))) return;
    return this._run(
      () => this._hass.callWS({ type: "indoor_voice/review/sharing", enabled }),
      () => this._words.t(enabled ? "sharing_started" : "sharing_stopped"),
    );
  }

  _when(iso) {
    const language = this._hass.locale?.language || this._language;
    return new Date(iso).toLocaleString(language, { dateStyle: "medium", timeStyle: "short" });
  }

  _render() {
    const root = this.shadowRoot;
    const scroll = root.host.scrollTop;
    root.replaceChildren(el("style", {}, STYLE), this._header(), this._main());
    root.host.scrollTop = scroll;
  }

  _header() {
    this._menu = customElements.get("ha-menu-button") ? el("ha-menu-button") : null;
    if (this._menu) {
      this._menu.hass = this._hass;
      this._menu.narrow = this._narrow;
    }
    return el("header", {}, this._menu, el("div", { class: "title" }, this._words.t("panel_title")));
  }

  _main() {
    if (!this._data) {
      return el("main", {}, this._message && this._messageBox(), el("p", { class: "muted" }, this._words.t("loading")));
    }
    return el("main", {}, this._message && this._messageBox(), sharingCard(this), this._clipsCard(), exportsCard(this));
  }

  _messageBox() {
    return el("div", { class: `message${this._message.error ? " error" : ""}`, role: "status" }, this._message.text);
  }

  _clipsCard() {
    const w = this._words;
    const clips = [...this._data.clips].reverse(); // newest first
    const selected = this._selectedClips();
    const approved = this._data.clips.filter((clip) => clip.status === "approved").length;
    const allSelected = clips.length > 0 && selected.length === clips.length;
    return card(
      "clips",
      w.t("kept_clips", { count: clips.length }),
      el(
        "div",
        { class: "row" },
        el(
          "label",
          { class: "row muted", style: "gap:6px" },
          el("input", {
            type: "checkbox",
            id: "select-all",
            checked: allSelected,
            disabled: !clips.length,
            onchange: (ev) => {
              this._selected = new Set(ev.target.checked ? clips.map((clip) => clip.id) : []);
              this._render();
            },
          }),
          w.t("select_all"),
        ),
        el("span", { class: "spacer" }),
        el("button", { id: "approve-selected", disabled: !selected.length, onclick: () => this._approveSelected() }, w.t("approve_selected", { count: selected.length })),
        el("button", { class: "danger", id: "delete-selected", disabled: !selected.length, onclick: () => this._deleteClips(selected) }, w.t("delete_selected", { count: selected.length })),
        el("button", { class: "primary", id: "export", disabled: !approved, onclick: () => this._export() }, w.t("export_approved", { count: approved })),
      ),
      clips.length
        ? clips.map((clip) => this._clipRow(clip))
        : el("p", { class: "muted empty", id: "no-clips" }, w.t("no_clips")),
    );
  }

  _clipRow(clip) {
    const w = this._words;
    const slot = el("span", { class: "player" });
    if (this._audio.has(clip.id)) slot.append(el("audio", { controls: true, src: this._audio.get(clip.id), "data-clip": clip.id }));
    const text = clip.corrected ?? clip.transcript;
    return el(
      "div",
      { class: "clip", "data-clip": clip.id },
      el("input", {
        type: "checkbox",
        "aria-label": w.t("select"),
        checked: this._selected.has(clip.id),
        onchange: (ev) => {
          if (ev.target.checked) this._selected.add(clip.id);
          else this._selected.delete(clip.id);
          this._render();
        },
      }),
      el(
        "div",
        {},
        el(
          "div",
          { class: "row meta" },
          el("span", {}, this._when(clip.created)),
          el("span", { class: "muted" }, w.t("seconds", { seconds: clip.seconds.toLocaleString(w.language, { maximumFractionDigits: 1, minimumFractionDigits: 1 }) })),
          el("span", { class: `chip ${clip.status}` }, w.t(clip.status === "approved" ? "status_approved" : "status_pending")),
          el("span", { class: "spacer" }),
          slot,
          !this._audio.has(clip.id) &&
            el("button", { class: "play", onclick: () => this._play(clip, slot).catch((err) => {
              this._message = { error: true, text: w.t("play_failed", { error: err.message || err }) };
              this._render();
            }) }, `▶ ${w.t("play")}`),
        ),
        el("div", { class: "row", style: "margin-top:8px" },
          el("input", {
            type: "text",
            "data-clip": clip.id,
            value: this._drafts.get(clip.id) ?? text,
            "aria-label": w.t("transcript"),
            style: "flex:1;min-width:200px",
            oninput: (ev) => this._drafts.set(clip.id, ev.target.value),
          }),
          el("button", { class: "save", onclick: () => this._run(() => this._update(clip, this._correction(clip)), () => w.t("saved")) }, w.t("save")),
          clip.status !== "approved" &&
            el("button", { class: "primary approve", onclick: () => this._run(() => this._update(clip, { status: "approved", ...this._correction(clip) }), () => w.tp("approved", 1)) }, w.t("approve")),
          el("button", { class: "danger delete", onclick: () => this._deleteClips([clip]) }, w.t("delete")),
        ),
        clip.corrected !== null && clip.corrected !== undefined && clip.corrected !== clip.transcript &&
          el("div", { class: "muted heard" }, w.t("heard", { transcript: clip.transcript })),
      ),
    );
  }

}

if (!customElements.get("indoor-voice-review")) {
  customElements.define("indoor-voice-review", IndoorVoiceReview);
}
