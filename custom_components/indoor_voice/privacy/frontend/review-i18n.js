// The Voice review page's words, from the integration's own translations (strings.json,
// selector "review_page"), in the language of the user's Home Assistant. Home Assistant falls
// back to English for whatever a language lacks. Plurals are keys with a CLDR category suffix
// ("clips_one", "clips_other"), chosen by Intl.PluralRules.

const PREFIX = "component.indoor_voice.selector.review_page.options.";

export class Words {
  constructor(language = "en", resources = {}) {
    this.language = language;
    this._resources = resources;
    this._plural = new Intl.PluralRules(language);
  }

  /** The words in `language`, as Home Assistant serves them to its frontend. */
  static async load(hass, language) {
    const { resources } = await hass.callWS({
      type: "frontend/get_translations",
      language,
      category: "selector",
      integration: ["indoor_voice"],
    });
    return new Words(language, resources);
  }

  /** One string, its `{placeholders}` filled in; the key itself if it is missing. */
  t(key, values = {}) {
    const text = this._resources[PREFIX + key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
  }

  /** The string for `count` things: `key_one`, `key_other`, … by the language's plural rules. */
  tp(key, count, values = {}) {
    const form = `${key}_${this._plural.select(count)}`;
    const chosen = PREFIX + form in this._resources ? form : `${key}_other`;
    return this.t(chosen, { count: count.toLocaleString(this.language), ...values });
  }
}
