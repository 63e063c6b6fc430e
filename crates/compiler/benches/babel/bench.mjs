// Times @babel/standalone on benches/fixtures/component.tsx, as the seed's runner calls it:
// Babel.transform(code, { presets: ['react', 'typescript'], filename }). Warm-up first, then
// the median of N runs. Usage: npm ci && node bench.mjs [runs]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Babel = require('@babel/standalone');

const code = readFileSync(new URL('../fixtures/component.tsx', import.meta.url), 'utf8');
const runs = Number(process.argv[2] ?? 200);
const warmup = Math.max(20, Math.floor(runs / 4));
const transform = () => Babel.transform(code, { presets: ['react', 'typescript'], filename: 'x.tsx' }).code;

for (let i = 0; i < warmup; i++) transform();
const times = [];
let size = 0;
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  size += transform().length;
  times.push(Number(process.hrtime.bigint() - start) / 1e3);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  JSON.stringify({
    tool: `@babel/standalone ${Babel.version}`,
    fixture_lines: code.split('\n').length,
    runs,
    median_us: Math.round(median),
    p10_us: Math.round(times[Math.floor(runs * 0.1)]),
    p90_us: Math.round(times[Math.floor(runs * 0.9)]),
    output_bytes: size / runs,
  }),
);
