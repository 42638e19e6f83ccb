// Hand-off to navigation: links that open a leg's drive in the traveller's navigation app.
// geo: (RFC 5870) lets the phone choose the app; the others are the apps' documented URLs.

const fixed = (n) => Number(n).toFixed(6);

/**
 * Links to drive from stop `from` to stop `to` ({lat, lon, name}): [{app, href}], in the
 * order shown. Google Maps and Apple Maps get both ends; Waze and geo: the destination.
 */
export function navigationLinks(from, to) {
  const a = `${fixed(from.lat)},${fixed(from.lon)}`;
  const b = `${fixed(to.lat)},${fixed(to.lon)}`;
  const google = new URL("https://www.google.com/maps/dir/");
  google.search = new URLSearchParams({ api: "1", origin: a, destination: b, travelmode: "driving" }).toString();
  const apple = new URL("https://maps.apple.com/");
  apple.search = new URLSearchParams({ saddr: a, daddr: b, dirflg: "d" }).toString();
  const waze = new URL("https://waze.com/ul");
  waze.search = new URLSearchParams({ ll: b, navigate: "yes" }).toString();
  const label = (to.name || "").replace(/[()]/g, " ").trim();
  const geo = `geo:${b}?q=${b}${label ? `(${encodeURIComponent(label)})` : ""}`;
  return [
    { app: "Google Maps", href: google.toString() },
    { app: "Apple Maps", href: apple.toString() },
    { app: "Waze", href: waze.toString() },
    { app: "Navigation app (geo:)", href: geo },
  ];
}
