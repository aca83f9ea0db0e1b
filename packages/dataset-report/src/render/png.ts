// SVG -> PNG with resvg (Rust, prebuilt binaries on npm); 2x for sharp text.
import { Resvg } from "@resvg/resvg-js";

export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}
