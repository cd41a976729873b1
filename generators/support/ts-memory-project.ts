/** The one ts-morph setup generated TypeScript is built with: in memory, two spaces, LF, double quotes. */
import { IndentationText, NewLineKind, Project, QuoteKind } from "ts-morph";

/** A fresh in-memory ts-morph project; nothing touches the disk. */
export function memoryProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, newLineKind: NewLineKind.LineFeed, quoteKind: QuoteKind.Double },
  });
}
