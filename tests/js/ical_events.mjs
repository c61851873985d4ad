// Read an .ics file with ical.js (the parser inside Thunderbird) and print its events as JSON:
// [{uid, sequence, status, summary, start, end, method, organizer, attendees}], start and end
// as UTC ISO strings; method is the calendar's (an invitation's REQUEST or CANCEL), or null.
// Usage: node tests/js/ical_events.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));

// As Thunderbird does, the feed's own VTIMEZONEs define what each TZID means.
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

const method = calendar.getFirstPropertyValue("method");
const utc = (time) => time.toJSDate().toISOString().replace(".000Z", "Z");
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    summary: event.summary,
    tzid: event.startDate.zone.tzid,
    start: utc(event.startDate),
    end: utc(event.endDate),
    method,
    organizer: component.getFirstPropertyValue("organizer"),
    attendees: event.attendees.map((attendee) => attendee.getFirstValue()),
  };
});
process.stdout.write(JSON.stringify(events));
