// Formatting of times (in the region's zone), durations, distances, money and charge.

/** "14:05" for an ISO time, shown in `zone` (IANA), or "—" when absent. */
export function clock(iso, zone) {
  if (!iso) return "—";
  const opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (zone) opts.timeZone = zone;
  return new Intl.DateTimeFormat("en-GB", opts).format(new Date(iso));
}

/** "Tue 2 Jun 2026, 10:00" for an ISO time, in `zone`. */
export function dateTime(iso, zone) {
  if (!iso) return "—";
  const opts = {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  };
  if (zone) opts.timeZone = zone;
  return new Intl.DateTimeFormat("en-GB", opts).format(new Date(iso));
}

/** "1 h 05 min" for seconds. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const total = Math.round(Math.abs(seconds) / 60);
  const sign = seconds < 0 ? "−" : "";
  if (total < 60) return `${sign}${total} min`;
  const m = String(total % 60).padStart(2, "0");
  return `${sign}${Math.floor(total / 60)} h ${m} min`;
}

/** "+5 min" / "−12 min" for a shift in seconds. */
export function shift(seconds) {
  if (!seconds) return "±0 min";
  return `${seconds > 0 ? "+" : "−"}${duration(Math.abs(seconds))}`;
}

/** "3.4 km" or "650 m" for metres. */
export function distance(metres) {
  if (metres === null || metres === undefined) return "—";
  return metres >= 1000 ? `${(metres / 1000).toFixed(1)} km` : `${Math.round(metres)} m`;
}

/** "12.50 EUR". */
export function money(amount, currency = "EUR") {
  if (amount === null || amount === undefined) return "—";
  return `${Number(amount).toFixed(2)} ${currency}`;
}

/** "40 %" for a fraction 0..1. */
export function percent(fraction) {
  if (fraction === null || fraction === undefined) return "—";
  return `${Math.round(fraction * 100)} %`;
}

/** "museum" -> "Museum", "charging_station" -> "Charging station". */
export function label(word) {
  if (!word) return "";
  const text = String(word).replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The UTC offset ("+03:00") of `zone` at the instant `date`. */
export function zoneOffset(zone, date) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(date);
  const name = (parts.find((p) => p.type === "timeZoneName") || {}).value || "GMT";
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return match ? `${match[1]}:${match[2] || "00"}` : "+00:00";
}

/** "2026-06-02" and "10:00" as wall-clock time of `zone` -> ISO 8601 with that zone's offset. */
export function zonedIso(dateStr, timeStr, zone) {
  const local = `${dateStr}T${timeStr.length === 5 ? `${timeStr}:00` : timeStr}`;
  if (!zone) return `${local}Z`;
  // the offset at (about) that wall time: good except within the hour of a DST switch
  const guess = new Date(`${local}Z`);
  return `${local}${zoneOffset(zone, guess)}`;
}

/** The wall-clock "HH:MM" and "YYYY-MM-DD" of an ISO time in `zone`. */
export function wallParts(iso, zone) {
  const opts = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (zone) opts.timeZone = zone;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", opts).formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

const COORDINATES = /^-?\d+(\.\d+)?,\s*-?\d+(\.\d+)?$/;

/** A stop's name; a start or end given by coordinates reads "Start" / "End" with the point after it. */
export function stopName(stop) {
  if (COORDINATES.test(stop.name) && (stop.kind === "start" || stop.kind === "end")) {
    return `${stop.kind === "start" ? "Start" : "End"} (${stop.lat.toFixed(4)}, ${stop.lon.toFixed(4)})`;
  }
  return stop.name;
}

/** The name of a stop in a diff: a start or end given by coordinates reads "Start" / "End". */
export function changeName(change) {
  if (COORDINATES.test(change.name) && (change.kind === "start" || change.kind === "end")) {
    return change.kind === "start" ? "Start" : "End";
  }
  return change.name;
}

/** Marker text of stop `i`: S for the start, E for the end, 1..n for the stops between. */
export function markerLabel(stop, i) {
  if (stop.kind === "start") return "S";
  if (stop.kind === "end") return "E";
  return String(i);
}
