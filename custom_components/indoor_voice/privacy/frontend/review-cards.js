// The Voice review page's read-only parts: the sharing card with the consent record, and the
// exports card. `panel` is the page (review-panel.js).

const ACTIONS = {
  granted: "Agreed to the disclosure",
  sharing_on: "Started sharing",
  revoked: "Stopped sharing, deleted everything",
  declined: "Declined",
  suspended: "Paused: the disclosure changed",
};

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
  const consent = panel._consent;
  const sharing = panel._data.sharing;
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
  return card(
    "sharing",
    "Sharing",
    el(
      "div",
      { class: "row" },
      el("span", { class: `chip ${sharing ? "on" : "off"}`, id: "sharing-state" }, sharing ? "On" : "Off"),
      el("span", { class: "muted" }, hint),
      el("span", { class: "spacer" }),
      !sharing &&
        consent.consent_is_current &&
        el("button", { class: "primary", id: "start-sharing", onclick: () => panel._setSharing(true) }, "Start sharing"),
      (sharing || consent.consent_is_current) &&
        el(
          "button",
          { class: "danger primary", id: "stop-sharing", onclick: () => panel._setSharing(false) },
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
              el("td", {}, panel._when(entry.time)),
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
  );
}

export function exportsCard(panel) {
  const exports = [...panel._data.exports].reverse();
  return card(
    "exports",
    `Exports (${exports.length})`,
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
              el("td", {}, panel._when(bundle.created)),
              el("td", {}, el("code", {}, bundle.path)),
              el("td", {}, `${(bundle.bytes / 1024).toFixed(0)} KB`),
            ),
          ),
        )
      : el("p", { class: "muted empty", id: "no-exports" }, "No exports."),
  );
}
