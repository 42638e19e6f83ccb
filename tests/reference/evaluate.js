// Evaluate opening_hours strings with opening_hours.js, the evaluator of OSM's editors.
// Input (stdin, JSON): {"strings": [...], "times": [epoch ms, ...], "lat": ..., "lon": ...,
//   "country_code": "fi", "state": "..."}; run with TZ set to the region's zone.
// Output (stdout, JSON): one entry per string, either {"states": "ocu..."} (open, closed,
// unknown at each time) or {"error": "..."} when opening_hours.js refuses the string.
'use strict';
const OpeningHours = require('opening_hours');

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const nominatim = {
    lat: input.lat,
    lon: input.lon,
    address: { country_code: input.country_code, state: input.state || '' },
  };
  const times = input.times.map((ms) => new Date(ms));
  const out = input.strings.map((value) => {
    let oh;
    try {
      oh = new OpeningHours(value, nominatim, { mode: 0, tag_key: 'opening_hours', locale: 'en' });
    } catch (err) {
      return { error: String(err).split('\n')[0] };
    }
    let states = '';
    for (const t of times) {
      if (oh.getUnknown(t)) states += 'u';
      else states += oh.getState(t) ? 'o' : 'c';
    }
    return { states };
  });
  process.stdout.write(JSON.stringify(out));
});
