// Indoor Voice: the "Voice review" page (administrators only).
// A plain web component, served by the integration itself: no build step, nothing from the
// internet. Data comes through the integration's admin-only websocket commands; a clip's
// audio from its admin-only endpoint, fetched with the user's login into a blob that lives
// only in this page (never a shareable URL, never cached).

const STYLE = `
  :host { display: block; min-height: 100vh; background: var(--primary-background-color);
    color: var(--primary-text-color); font-family: var(--paper-font-body1_-_font-family, Roboto, sans-serif); }
  header { display: flex; align-items: center; gap: 8px; height: var(--header-height, 56px);
    padding: 0 16px; background: var(--app-header-background-color, var(--primary-color));
    color: var(--app-header-text-color, var(--text-primary-color, #fff));
    border-bottom: var(--app-header-border-bottom, none); font-size: 20px; }
  header .title { flex: 1; }
  main { max-width: 1000px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
  .card { background: var(--card-background-color, #fff); border-radius: var(--ha-card-border-radius, 12px);
    box-shadow: var(--ha-card-box-shadow, none); border: 1px solid var(--divider-color, #e0e0e0); }
  .card h2 { margin: 0; padding: 16px 16px 0; font-size: 20px; font-weight: 400; }
  .card .content { padding: 12px 16px 16px; }
  .muted { color: var(--secondary-text-color); }
  .row { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
  .spacer { flex: 1; }
  button { font: inherit; font-size: 14px; font-weight: 500; border-radius: 18px; padding: 7px 16px;
    border: 1px solid var(--primary-color); background: transparent; color: var(--primary-color); cursor: pointer; }
  button.primary { background: var(--primary-color); color: var(--text-primary-color, #fff); }
  button.danger { border-color: var(--error-color, #db4437); color: var(--error-color, #db4437); }
  button.danger.primary { background: var(--error-color, #db4437); color: #fff; }
  button:disabled { opacity: .45; cursor: default; }
  .chip { display: inline-block; padding: 2px 10px; border-radius: 12px; font-size: 12px; font-weight: 500; }
  .chip.on, .chip.approved { background: rgba(var(--rgb-success-color, 67, 160, 71), .15); color: var(--success-color, #43a047); }
  .chip.off, .chip.pending { background: rgba(var(--rgb-warning-color, 255, 166, 0), .15); color: var(--warning-color, #ffa600); }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th { text-align: left; font-weight: 500; color: var(--secondary-text-color); padding: 6px 8px; }
  td { padding: 6px 8px; border-top: 1px solid var(--divider-color, #e0e0e0); vertical-align: middle; }
  .clip { display: grid; grid-template-columns: 28px 1fr; gap: 8px 12px; padding: 12px 0;
    border-top: 1px solid var(--divider-color, #e0e0e0); }
  .clip:first-of-type { border-top: none; }
  .clip .meta { font-size: 13px; }
  .clip input[type=text] { width: 100%; box-sizing: border-box; font: inherit; padding: 8px 10px;
    border-radius: 6px; border: 1px solid var(--divider-color, #ccc);
    background: var(--secondary-background-color, transparent); color: var(--primary-text-color); }
  .clip .heard { font-size: 12px; }
  .clip audio { height: 36px; max-width: 100%; }
  .message { padding: 10px 14px; border-radius: 8px; background: rgba(var(--rgb-primary-color, 3, 169, 244), .12); }
  .message.error { background: rgba(var(--rgb-error-color, 219, 68, 55), .12); color: var(--error-color, #db4437); }
  .empty { padding: 24px 0; text-align: center; }
  code { font-size: 13px; word-break: break-all; }
`;

const ACTIONS = {
  granted: "Agreed to the disclosure",
  sharing_on: "Started sharing",
  revoked: "Stopped sharing, deleted everything",
  declined: "Declined",
  suspended: "Paused: the disclosure changed",
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else if (value !== false && value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

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
  }

  set hass(hass) {
    const first = !this._hass;
    this._hass = hass;
    if (this._menu) this._menu.hass = hass;
    if (first) this.refresh();
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
      this._message = { error: true, text: `Could not load the review data: ${err.message || err}` };
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
        this._message = { error: true, text: `Could not load the audio (${response.status})` };
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
      },
      () => `Approved ${clips.length} clip${clips.length === 1 ? "" : "s"}.`,
    );
  }

  _deleteClips(clips) {
    if (!clips.length || !confirm(`Delete ${clips.length} clip${clips.length === 1 ? "" : "s"} for good?`)) return;
    return this._run(
      async () => {
        for (const clip of clips) {
          await this._hass.callWS({ type: "indoor_voice/review/delete", clip_id: clip.id });
        }
      },
      () => `Deleted ${clips.length} clip${clips.length === 1 ? "" : "s"}.`,
    );
  }

  _export() {
    return this._run(
      () => this._hass.callWS({ type: "indoor_voice/review/export" }),
      (result) =>
        `Exported ${result.clips} approved clip${result.clips === 1 ? "" : "s"} to ${result.path}`,
    );
  }

  _setSharing(enabled) {
    if (
      !enabled &&
      !confirm("Stop sharing? Every kept clip, transcript and export is deleted now, for good.")
    )
      return;
    return this._run(
      () => this._hass.callWS({ type: "indoor_voice/review/sharing", enabled }),
      () =>
        enabled
          ? "Sharing is on: voice commands are kept for review from now on."
          : "Sharing is off. Every clip, transcript and export was deleted.",
    );
  }

  _when(iso) {
    const language = this._hass.locale?.language || this._hass.language;
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
    return el("header", {}, this._menu, el("div", { class: "title" }, "Voice review"));
  }

  _main() {
    if (!this._data) {
      return el("main", {}, this._message && this._messageBox(), el("p", { class: "muted" }, "Loading…"));
    }
    return el("main", {}, this._message && this._messageBox(), this._sharingCard(), this._clipsCard(), this._exportsCard());
  }

  _messageBox() {
    return el("div", { class: `message${this._message.error ? " error" : ""}`, role: "status" }, this._message.text);
  }

  _sharingCard() {
    const consent = this._consent;
    const sharing = this._data.sharing;
    const settings = consent.settings;
    const log = [...consent.consent_log].reverse();
    let hint;
    if (sharing) {
      hint = `Voice commands are kept for at most ${settings.retention_days} days (${settings.max_size_mb} MB), exports too.`;
    } else if (consent.consent_is_current) {
      hint = "Your household agreed to the disclosure. Nothing is kept until sharing starts.";
    } else {
      hint =
        "Nothing is kept. To share, an administrator first reads and agrees to the disclosure: " +
        "Settings → Devices & services → Indoor Voice → Household → Configure.";
    }
    return el(
      "section",
      { class: "card", id: "sharing" },
      el("h2", {}, "Sharing"),
      el(
        "div",
        { class: "content" },
        el(
          "div",
          { class: "row" },
          el("span", { class: `chip ${sharing ? "on" : "off"}`, id: "sharing-state" }, sharing ? "On" : "Off"),
          el("span", { class: "muted" }, hint),
          el("span", { class: "spacer" }),
          !sharing &&
            consent.consent_is_current &&
            el("button", { class: "primary", id: "start-sharing", onclick: () => this._setSharing(true) }, "Start sharing"),
          (sharing || consent.consent_is_current) &&
            el(
              "button",
              { class: "danger primary", id: "stop-sharing", onclick: () => this._setSharing(false) },
              "Stop sharing and delete everything",
            ),
        ),
        el("h3", { class: "muted", style: "font-size:14px;font-weight:500;margin:16px 0 4px" }, "Consent record"),
        log.length
          ? el(
              "table",
              { id: "consent-log" },
              el("tr", {}, el("th", {}, "When"), el("th", {}, "Who"), el("th", {}, "What"), el("th", {}, "Disclosure")),
              log.map((entry) =>
                el(
                  "tr",
                  {},
                  el("td", {}, this._when(entry.time)),
                  el("td", {}, entry.user_name || (entry.user_id ? "Unknown user" : "Home Assistant")),
                  el(
                    "td",
                    {},
                    ACTIONS[entry.action] || entry.action,
                    entry.deleted_clips !== undefined
                      ? ` (${entry.deleted_clips} clips, ${entry.deleted_exports ?? 0} exports)`
                      : "",
                  ),
                  el("td", {}, `version ${entry.disclosure_version}`),
                ),
              ),
            )
          : el("p", { class: "muted" }, "No choice recorded yet."),
      ),
    );
  }

  _clipsCard() {
    const clips = [...this._data.clips].reverse(); // newest first
    const selected = this._selectedClips();
    const approved = this._data.clips.filter((clip) => clip.status === "approved").length;
    const allSelected = clips.length > 0 && selected.length === clips.length;
    return el(
      "section",
      { class: "card", id: "clips" },
      el("h2", {}, `Kept clips (${clips.length})`),
      el(
        "div",
        { class: "content" },
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
            "Select all",
          ),
          el("span", { class: "spacer" }),
          el("button", { id: "approve-selected", disabled: !selected.length, onclick: () => this._approveSelected() }, `Approve selected (${selected.length})`),
          el("button", { class: "danger", id: "delete-selected", disabled: !selected.length, onclick: () => this._deleteClips(selected) }, `Delete selected (${selected.length})`),
          el("button", { class: "primary", id: "export", disabled: !approved, onclick: () => this._export() }, `Export approved (${approved})`),
        ),
        clips.length
          ? clips.map((clip) => this._clipRow(clip))
          : el("p", { class: "muted empty", id: "no-clips" }, "No clips are kept."),
      ),
    );
  }

  _clipRow(clip) {
    const slot = el("span", { class: "player" });
    if (this._audio.has(clip.id)) slot.append(el("audio", { controls: true, src: this._audio.get(clip.id), "data-clip": clip.id }));
    const text = clip.corrected ?? clip.transcript;
    return el(
      "div",
      { class: "clip", "data-clip": clip.id },
      el("input", {
        type: "checkbox",
        "aria-label": "Select",
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
          el("span", { class: "muted" }, `${clip.seconds.toFixed(1)} s`),
          el("span", { class: `chip ${clip.status}` }, clip.status === "approved" ? "Approved" : "Waiting for review"),
          el("span", { class: "spacer" }),
          slot,
          !this._audio.has(clip.id) &&
            el("button", { class: "play", onclick: () => this._play(clip, slot).catch((err) => {
              this._message = { error: true, text: `Could not play the clip: ${err.message || err}` };
              this._render();
            }) }, "▶ Play"),
        ),
        el("div", { class: "row", style: "margin-top:8px" },
          el("input", {
            type: "text",
            "data-clip": clip.id,
            value: this._drafts.get(clip.id) ?? text,
            "aria-label": "Transcript",
            style: "flex:1;min-width:200px",
            oninput: (ev) => this._drafts.set(clip.id, ev.target.value),
          }),
          el("button", { class: "save", onclick: () => this._run(() => this._update(clip, this._correction(clip)), () => "Saved the transcript.") }, "Save"),
          clip.status !== "approved" &&
            el("button", { class: "primary approve", onclick: () => this._run(() => this._update(clip, { status: "approved", ...this._correction(clip) }), () => "Approved the clip.") }, "Approve"),
          el("button", { class: "danger delete", onclick: () => this._deleteClips([clip]) }, "Delete"),
        ),
        clip.corrected !== null && clip.corrected !== undefined && clip.corrected !== clip.transcript &&
          el("div", { class: "muted heard" }, `Heard: “${clip.transcript}”`),
      ),
    );
  }

  _exportsCard() {
    const exports = [...this._data.exports].reverse();
    return el(
      "section",
      { class: "card", id: "exports" },
      el("h2", {}, `Exports (${exports.length})`),
      el(
        "div",
        { class: "content" },
        el(
          "p",
          { class: "muted", style: "margin-top:0" },
          "An export is one .tar.gz file with the approved clips' audio, their transcripts and a list of them, " +
            "written on this Home Assistant next to the clips. It is never sent anywhere. Exports are deleted " +
            "with the clips: by the retention limit and when sharing stops.",
        ),
        exports.length
          ? el(
              "table",
              {},
              el("tr", {}, el("th", {}, "When"), el("th", {}, "File"), el("th", {}, "Size")),
              exports.map((bundle) =>
                el(
                  "tr",
                  {},
                  el("td", {}, this._when(bundle.created)),
                  el("td", {}, el("code", {}, bundle.path)),
                  el("td", {}, `${(bundle.bytes / 1024).toFixed(0)} KB`),
                ),
              ),
            )
          : el("p", { class: "muted empty", id: "no-exports" }, "No exports."),
      ),
    );
  }
}

if (!customElements.get("indoor-voice-review")) {
  customElements.define("indoor-voice-review", IndoorVoiceReview);
}
