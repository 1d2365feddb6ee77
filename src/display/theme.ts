// Colours that read in JupyterLab's light and dark themes, trusted or not, and in front ends without
// JupyterLab's CSS variables (classic notebook, nbconvert, GitHub). JupyterLab's sanitizer, which
// every untrusted output (a notebook as saved, before it runs) goes through, drops each declaration
// that uses var() and keeps plain colours. Hence two rules:
// - text on the page's own background gets only `var(--jp-…, fallback)`: untrusted, it inherits the
//   theme's text colour, which is readable by definition;
// - a box with its own background (card, heat-map cell, badge) sets a plain background and a plain
//   text colour that read together, then the themed pair, which trusted JupyterLab applies (the later
//   declaration wins). A background never comes without a text colour.

/** JupyterLab's theme variables we use, with the light-theme value as fallback. */
const jp = {
  text: ["--jp-ui-font-color1", "#111111"],
  muted: ["--jp-ui-font-color2", "#555555"],
  surface: ["--jp-layout-color0", "#ffffff"],
  border: ["--jp-border-color2", "#dddddd"],
} as const;
type Role = keyof typeof jp;

const themed = (property: string, role: Role): string => `${property}:var(${jp[role][0]},${jp[role][1]})`;

/** Text on the page's background, in the theme's text colour (`muted`: its secondary one). */
export function pageText(role: "text" | "muted" = "muted"): string {
  return themed("color", role);
}

/** A card: its own background and text colour, white and near-black outside JupyterLab's themes. */
export function surface(): string {
  return `background:${jp.surface[1]};color:${jp.text[1]};${themed("background", "surface")};${themed("color", "text")}`;
}

/** Secondary text inside a `surface()` (plain grey on the plain white, themed when trusted). */
export function surfaceMuted(): string {
  return `color:${jp.muted[1]};${themed("color", "muted")}`;
}

/** A 1px border in the theme's border colour. */
export function themedBorder(style = "solid"): string {
  return `border:1px ${style} ${jp.border[1]};border-color:var(${jp.border[0]},${jp.border[1]})`;
}

/** A box whose colours do not depend on the theme (heat-map cells, badges): background and text, always both. */
export function fixedColors(background: string, text = "#111111"): string {
  return `background:${background};color:${text}`;
}
