// The Voice review page's cards apart from the clips: sharing with the consent record, and
// the exports. `panel` is the page (review-panel.js); `panel._words` its words (review-i18n.js).

export function el(tag, attrs = {}, ...children) {
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

/** A card like Home Assistant's: a title and its content. */
export function card(id, title, ...content) {
  return el("section", { class: "card", id }, el("h2", {}, title), el("div", { class: "content" }, ...content));
}

export function sharingCard(panel) {
  const w = panel._words;
  const consent = panel._consent;
  const sharing = panel._data.sharing;
  const settings = consent.settings;
  const log = [...consent.consent_log].reverse();
  let hint;
  if (sharing) {
    hint = w.t("hint_sharing", { days: w.tp("days", settings.retention_days), size_mb: settings.max_size_mb });
  } else if (consent.consent_is_current) {
    hint = w.t("hint_agreed");
  } else {
    hint = w.t("hint_no_consent");
  }
  return card(
    "sharing",
    w.t("sharing"),
    el(
      "div",
      { class: "row" },
      el("span", { class: `chip ${sharing ? "on" : "off"}`, id: "sharing-state" }, w.t(sharing ? "sharing_on" : "sharing_off")),
      el("span", { class: "muted" }, hint),
      el("span", { class: "spacer" }),
      !sharing &&
        consent.consent_is_current &&
        el("button", { class: "primary", id: "start-sharing", onclick: () => panel._setSharing(true) }, w.t("start_sharing")),
      (sharing || consent.consent_is_current) &&
        el(
          "button",
          { class: "danger primary", id: "stop-sharing", onclick: () => panel._setSharing(false) },
          w.t("stop_sharing"),
        ),
    ),
    el("h3", { class: "muted", style: "font-size:14px;font-weight:500;margin:16px 0 4px" }, w.t("consent_record")),
    log.length
      ? el(
          "table",
          { id: "consent-log" },
          el("tr", {}, el("th", {}, w.t("when")), el("th", {}, w.t("who")), el("th", {}, w.t("what")), el("th", {}, w.t("disclosure"))),
          log.map((entry) =>
            el(
              "tr",
              {},
              el("td", {}, panel._when(entry.time)),
              el("td", {}, entry.user_name || w.t(entry.user_id ? "unknown_user" : "home_assistant")),
              el(
                "td",
                {},
                w.t(`action_${entry.action}`),
                entry.deleted_clips !== undefined
                  ? " " +
                      w.t("deleted_counts", {
                        clips: w.tp("clips", entry.deleted_clips),
                        exports: w.tp("exports", entry.deleted_exports ?? 0),
                      })
                  : "",
              ),
              el("td", {}, w.t("disclosure_version", { version: entry.disclosure_version })),
            ),
          ),
        )
      : el("p", { class: "muted" }, w.t("no_choice")),
  );
}

export function exportsCard(panel) {
  const w = panel._words;
  const exports = [...panel._data.exports].reverse();
  return card(
    "exports",
    w.t("exports", { count: exports.length }),
    el("p", { class: "muted", style: "margin-top:0" }, w.t("exports_about")),
    exports.length
      ? el(
          "table",
          {},
          el("tr", {}, el("th", {}, w.t("when")), el("th", {}, w.t("file")), el("th", {}, w.t("size")), el("th", {})),
          exports.map((bundle) =>
            el(
              "tr",
              { "data-export": bundle.name },
              el("td", {}, panel._when(bundle.created)),
              el("td", {}, el("code", {}, bundle.name)),
              el("td", {}, w.t("size_kb", { size: Math.ceil(bundle.bytes / 1024).toLocaleString(w.language) })),
              el(
                "td",
                { style: "text-align:right" },
                el("button", { class: "download", onclick: () => panel._download(bundle) }, w.t("download")),
              ),
            ),
          ),
        )
      : el("p", { class: "muted empty", id: "no-exports" }, w.t("no_exports")),
  );
}
