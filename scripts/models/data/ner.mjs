// Named-entity sentences: templates filled with people, places, organisations and
// miscellaneous names, each entity recorded as a character span. Token labels are made later
// from these spans through the tokenizer's offsets (recipes/ner.mjs).
//
// People: first names from the stdlib female/male lists; surnames derived from male first
// names (patronymics such as "Peterson", "Williams") plus a short list of common US surnames.
// Places: US states and state capitals, and towns composed from surnames ("Harlanville",
// "Port Ellis"). Organisations are composed ("Ohio Bank", "Carter Foods Inc", "University of
// Maine"); MISC are nationalities, languages and composed events ("Boise Marathon").
// Nearly half the sentences contain a real State of the Union sentence without proper nouns
// (see carrierSentences, compose), so words outside entities are not only template words.
// Held out, so the test measures more than memorisation: 15% of first names, surnames, places
// and organisation words (test "entities"), 20% of the templates (test "templates") and 10%
// of the carrier sentences (both tests).
import { Rng, splitByHash } from "../lib/rng.mjs";
import { firstNames, maleFirstNames, sotuSentences, usCapitals, usStates } from "./corpora.mjs";

export const LABELS = ["O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"];

// 100 of the most common US surnames (some are also first names, as in real text).
const COMMON_SURNAMES = [
  "Smith",
  "Johnson",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Taylor",
  "Moore",
  "Jackson",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Torres",
  "Nguyen",
  "Hill",
  "Flores",
  "Green",
  "Adams",
  "Nelson",
  "Baker",
  "Hall",
  "Rivera",
  "Campbell",
  "Mitchell",
  "Carter",
  "Roberts",
  "Gomez",
  "Phillips",
  "Evans",
  "Turner",
  "Diaz",
  "Parker",
  "Cruz",
  "Edwards",
  "Collins",
  "Reyes",
  "Stewart",
  "Morris",
  "Morales",
  "Murphy",
  "Cook",
  "Rogers",
  "Gutierrez",
  "Ortiz",
  "Morgan",
  "Cooper",
  "Peterson",
  "Bailey",
  "Reed",
  "Kelly",
  "Howard",
  "Ramos",
  "Kim",
  "Cox",
  "Ward",
  "Richardson",
  "Watson",
  "Brooks",
  "Chavez",
  "Wood",
  "Bennett",
  "Gray",
  "Mendoza",
  "Ruiz",
  "Hughes",
  "Price",
  "Alvarez",
  "Castillo",
  "Sanders",
  "Patel",
  "Myers",
  "Long",
  "Ross",
  "Foster",
  "Jimenez",
  "Powell",
  "Jenkins",
  "Perry",
  "Russell",
  "Sullivan",
  "Bell",
  "Coleman",
];
const NATIONALITIES = [
  "American",
  "Canadian",
  "Mexican",
  "British",
  "English",
  "French",
  "German",
  "Spanish",
  "Italian",
  "Dutch",
  "Swedish",
  "Norwegian",
  "Polish",
  "Russian",
  "Chinese",
  "Japanese",
  "Korean",
  "Indian",
  "Brazilian",
  "Irish",
  "Portuguese",
  "Greek",
  "Turkish",
  "Egyptian",
  "Kenyan",
  "Australian",
  "Scottish",
  "Danish",
  "Finnish",
  "Czech",
];
const EVENT_WORDS = ["Marathon", "Open", "Film Festival", "Jazz Festival", "Grand Prix", "Book Fair", "State Fair", "Cup"];
const ORG_WORDS = [
  "Bank",
  "Foods",
  "Motors",
  "Airlines",
  "Energy",
  "Systems",
  "Labs",
  "Group",
  "Partners",
  "Insurance",
  "Hospital",
  "Gazette",
  "Press",
  "Logistics",
  "Pharma",
  "Studios",
  "Telecom",
  "Steel",
  "Capital",
  "Dynamics",
];
const ORG_SUFFIXES = ["Inc", "Corp", "LLC", "Co", "Ltd"];
// Composed town names ("Harlanville", "Port Ellis"), so that a place is recognised by where it
// stands in a sentence and not only by being one of a hundred memorised names.
const TOWN_PATTERNS = ["#ville", "#burg", "# City", "Port #", "Lake #", "Mount #", "# Springs", "# Falls", "#ton", "Fort #"];
const TIMES = [
  "Yesterday",
  "Today",
  "On Monday",
  "On Tuesday",
  "On Wednesday",
  "On Thursday",
  "On Friday",
  "Last week",
  "Last year",
  "In March",
  "In June",
  "In October",
  "This morning",
  "Earlier today",
  "On Sunday",
];
const TITLES = ["Mr.", "Ms.", "Mrs.", "Dr.", "Professor", "Senator", "Judge", "Coach"];

// {PER} person, {LOC} place, {ORG} organisation, {NAT} nationality or language and {EVENT}
// event (both MISC), {T} time phrase, {YEAR} a year.
const TEMPLATES = [
  "{T} {PER} flew to {LOC}.",
  "{T} {PER} drove from {LOC} to {LOC}.",
  "{PER} moved to {LOC} in {YEAR}.",
  "{PER} works for {ORG} in {LOC}.",
  "{ORG} hired {PER} last week.",
  "{PER} and {PER} met in {LOC}.",
  "According to {PER}, {ORG} will open an office in {LOC}.",
  "{PER} said the {ORG} report was late.",
  "Shares of {ORG} rose after {PER} spoke in {LOC}.",
  "{PER} was born in {LOC}.",
  "{T} {ORG} announced a new plant in {LOC}.",
  "We sent the letter to {PER} at {ORG}.",
  "{LOC} is larger than {LOC}.",
  "The meeting with {ORG} is on Friday.",
  "{PER} lives near {LOC}.",
  "Police in {LOC} said {PER} was safe.",
  "{PER}, a {NAT} writer, lives in {LOC}.",
  "Thanks to {PER} and the staff of {ORG}.",
  "{T} the storm hit {LOC} hard.",
  "{PER} won the {EVENT} in {LOC}.",
  "The {NAT} delegation arrived in {LOC} on Sunday.",
  "{PER} speaks {NAT} and works at {ORG}.",
  "{T} {PER} called {PER} about the {ORG} deal.",
  "Fans of {ORG} gathered outside the stadium in {LOC}.",
  "{PER} is the new director of {ORG}.",
  "Is {PER} still in {LOC}?",
  "{PER} asked {PER} to visit {LOC}.",
  "The road from {LOC} to {LOC} is closed.",
  "{ORG} and {ORG} agreed to merge.",
  "{T} {PER} bought a house in {LOC}.",
  "Our team visited {ORG} in {LOC}.",
  "{PER} told reporters that {ORG} would grow.",
  "The {NAT} film won an award at the {EVENT}.",
  "{PER} studied at {ORG}.",
  "Tickets for the {EVENT} sold out in an hour.",
  "Weather in {LOC} will be cold on Monday.",
  "{PER} thanked {PER} for the help.",
  "She met {PER} at the {EVENT} last year.",
  "{T} nobody answered the phone.",
  "The report was finished on Tuesday and sent in March.",
  "{PER} left {ORG} to start a business in {LOC}.",
  "A spokesman for {ORG} declined to comment.",
  "{T} {PER} visited a school near {LOC}.",
  "Residents of {LOC} welcomed {PER} warmly.",
  "{PER} grew up between {LOC} and {LOC}.",
  "The mayor of {LOC} met {PER} on Thursday.",
  "{ORG} opened its first store in {LOC} in {YEAR}.",
  "{PER} joined {ORG} as an engineer.",
  "Lawyers for {PER} sued {ORG} in {LOC}.",
  "{PER} and her brother {PER} run a farm outside {LOC}.",
  "Flights from {LOC} were delayed for hours.",
  "{PER} praised the {NAT} volunteers.",
  "{ORG} will sponsor the {EVENT} next year.",
  "My cousin {PER} teaches music in {LOC}.",
  "{T} {PER} signed a contract with {ORG}.",
  "Reporters asked {PER} about the plan for {LOC}.",
  "The {EVENT} returns to {LOC} in May.",
  "{PER} wrote a book about {LOC}.",
  "He said {PER} would call back later.",
  "The new bridge links {LOC} with {LOC}.",
  "Most of the students at {ORG} come from {LOC}.",
  "We expect the package to arrive on Monday.",
  "{PER} has worked at {ORG} since {YEAR}.",
];

function titleCase(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function surnamesFrom(male) {
  const derived = [];
  for (const n of male) {
    if (n.length < 3 || n.length > 8) continue;
    derived.push(/[aeiouy]$/.test(n) ? n + "s" : n + "son");
  }
  return [...new Set([...COMMON_SURNAMES, ...derived])].sort();
}

/** Entity generators, each returning the entity's text. */
function entityPools(names, surnames, realPlaces, orgWords) {
  const places = { pick: (rng) => (rng.chance(0.6) ? rng.pick(realPlaces) : rng.pick(TOWN_PATTERNS).replace("#", rng.pick(surnames).replace(/s$/, ""))) };
  return {
    PER: (rng) => {
      const r = rng.float();
      if (r < 0.55) return `${rng.pick(names)} ${rng.pick(surnames)}`;
      if (r < 0.75) return rng.pick(names);
      if (r < 0.85) return `${rng.pick(names)} ${rng.pick(names)} ${rng.pick(surnames)}`;
      return rng.pick(surnames);
    },
    LOC: (rng) => places.pick(rng),
    ORG: (rng) => {
      const r = rng.float();
      if (r < 0.3) return `${places.pick(rng)} ${rng.pick(orgWords)}`;
      if (r < 0.55) return `${rng.pick(surnames)} ${rng.pick(orgWords)} ${rng.pick(ORG_SUFFIXES)}`;
      if (r < 0.7) return `University of ${places.pick(rng)}`;
      if (r < 0.85) return `${rng.pick(surnames)} & ${rng.pick(surnames)}`;
      return `${places.pick(rng)} ${rng.pick(orgWords)} ${rng.pick(ORG_SUFFIXES)}`;
    },
    NAT: (rng) => rng.pick(NATIONALITIES),
    EVENT: (rng) => `${places.pick(rng)} ${rng.pick(EVENT_WORDS)}`,
  };
}

/** Fills a template; a person after a title keeps the title outside the entity, as CoNLL does. */
function fill(rng, template, pools) {
  let text = "";
  const spans = [];
  const parts = template.split(/(\{[A-Z]+\})/);
  for (const part of parts) {
    const slot = part.match(/^\{([A-Z]+)\}$/)?.[1];
    if (!slot) {
      text += part;
      continue;
    }
    if (slot === "T") text += rng.pick(TIMES);
    else if (slot === "YEAR") text += String(1950 + rng.int(75));
    else {
      if (slot === "PER" && rng.chance(0.1)) text += rng.pick(TITLES) + " ";
      const entity = pools[slot](rng);
      spans.push([text.length, text.length + entity.length, slot === "NAT" || slot === "EVENT" ? "MISC" : slot]);
      text += entity;
    }
  }
  // A template that starts with its time phrase reads "Yesterday ..."; one that starts with a
  // lower-case word is capitalised (never inside an entity: entities start upper-case).
  return { text: titleCase(text), spans };
}

/**
 * Real sentences to carry the entities: SOTU sentences of 5–12 words whose only capital is
 * their first letter (or "I"), so they hold no proper noun that would have to be labelled.
 * They give the O class the vocabulary of real prose, not only the templates' few words.
 */
function carrierSentences() {
  return sotuSentences().filter((s) => {
    const n = s.split(" ").length;
    return n >= 5 && n <= 12 && /^[A-Z][^A-Z]*$/.test(s.replace(/\bI\b/g, "i")) && /[.!?]$/.test(s) && !/["()[\]]/.test(s);
  });
}

const lowerFirst = (s) => (/^I\b/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
const REPORTING = ["said that", "argued that", "wrote that", "believes that", "told reporters that", "added that"];

/** A template sentence, alone or joined to a carrier sentence in one of a few ways. */
function compose(rng, templates, carriers, pools) {
  const r = rng.float();
  const shift = (offset, spans) => spans.map(([s, e, t]) => [s + offset, e + offset, t]);
  if (r < 0.55) return fill(rng, rng.pick(templates), pools);
  const carrier = rng.pick(carriers);
  if (r < 0.63) return { text: carrier, spans: [] };
  if (r < 0.75) {
    const lead = fill(rng, `{PER} ${rng.pick(REPORTING)} `, pools);
    return { text: lead.text + lowerFirst(carrier), spans: lead.spans };
  }
  if (r < 0.83) {
    const lead = fill(rng, rng.chance(0.5) ? "In {LOC}, " : "At {ORG}, ", pools);
    return { text: lead.text + lowerFirst(carrier), spans: lead.spans };
  }
  const sentence = fill(rng, rng.pick(templates), pools);
  if (r < 0.93) return { text: `${sentence.text} ${carrier}`, spans: sentence.spans };
  return { text: `${carrier} ${sentence.text}`, spans: shift(carrier.length + 1, sentence.spans) };
}

export function nerData(size) {
  const [names, namesOut] = splitByHash(firstNames(), 0.15, "ner-name");
  const [surnames, surnamesOut] = splitByHash(surnamesFrom(maleFirstNames()), 0.15, "ner-surname");
  const [places, placesOut] = splitByHash([...usStates(), ...usCapitals()], 0.15, "ner-place");
  const [orgWords, orgWordsOut] = splitByHash(ORG_WORDS, 0.15, "ner-org");
  const [trainTemplates, testTemplates] = splitByHash(TEMPLATES, 0.2, "ner-template");
  const seen = entityPools(names, surnames, places, orgWords);
  const unseen = entityPools(namesOut, surnamesOut, placesOut, orgWordsOut);
  const [trainCarriers, testCarriers] = splitByHash(carrierSentences(), 0.1, "ner-carrier");
  const make = (rng, templates, carriers, pools, n) => Array.from({ length: n }, () => compose(rng, templates, carriers, pools));
  const rng = new Rng("ner/train");
  const testRng = new Rng("ner/test");
  return {
    train: make(rng, trainTemplates, trainCarriers, seen, size.train),
    test: {
      templates: make(testRng, testTemplates, testCarriers, seen, size.test),
      entities: make(testRng, trainTemplates, testCarriers, unseen, size.test),
    },
    heldOut: { names: namesOut, surnames: surnamesOut, places: placesOut, orgWords: orgWordsOut },
  };
}
