// The Voice review page's look: Home Assistant's own theme variables, so it follows the
// household's theme (light or dark) like the built-in pages.
export const STYLE = `
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
  .clip > input[type=checkbox] { align-self: start; margin-top: 2px; }
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
