// Draws the kernel's logos (a white ∇ on TypeScript blue) as PNGs: `node kernel/make-logos.mjs`.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** Coverage of pixel (x, y) by the shape, from 4×4 samples per pixel. */
function coverage(size, x, y, inside) {
  let hits = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) hits += inside((x + (i + 0.5) / 4) / size, (y + (j + 0.5) / 4) / size);
  return hits / 16;
}

// A ∇: a downward triangle outline; coordinates in [0, 1].
function inTriangle(u, v, inset) {
  const top = 0.22 + inset, bottom = 0.8 - inset * 2, half = 0.34 - inset * 1.7;
  if (v < top || v > bottom) return false;
  const t = (v - top) / (bottom - top);
  return Math.abs(u - 0.5) <= half * (1 - t);
}
const nabla = (u, v) => inTriangle(u, v, 0) && !inTriangle(u, v, 0.075);
const roundedSquare = (u, v) => {
  const r = 0.16, dx = Math.max(r - u, u - (1 - r), 0), dy = Math.max(r - v, v - (1 - r), 0);
  return dx * dx + dy * dy <= r * r;
};

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const bg = coverage(size, x, y, roundedSquare);
      const fg = coverage(size, x, y, nabla);
      const mix = (blue, white) => Math.round(blue * (1 - fg) + white * fg);
      row.set([mix(0x31, 255), mix(0x78, 255), mix(0xc6, 255), Math.round(255 * bg)], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

for (const size of [32, 64]) writeFileSync(new URL(`./logo-${size}x${size}.png`, import.meta.url), png(size));
