/**
 * The one ts-morph setup generated TypeScript is built with: in memory, two spaces, LF, double
 * quotes. One project per process, created on first use: building a ts-morph Project (and its
 * compiler host) costs far more than printing a module, and `mesh generate` prints hundreds.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type SourceFile } from "ts-morph";

let shared: Project | undefined;
/** Numbers each module's folder: see printModule. */
let printed = 0;

/** The process's in-memory ts-morph project; nothing touches the disk. */
export function memoryProject(): Project {
  shared ??= new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, newLineKind: NewLineKind.LineFeed, quoteKind: QuoteKind.Double },
  });
  return shared;
}

/**
 * Builds one module on the shared project and returns its formatted text (two-space indent,
 * spaces, ts-morph's default format settings). The source file is created empty (replacing any
 * leftover of the same path) and removed afterwards, so no call sees another's state and the
 * output is a function of `write` alone.
 *
 * The formatted text is taken from the language service as a string rather than through
 * `SourceFile.formatText`, which would also re-parse it into the project and rebuild every
 * wrapped node only for us to read the text back and throw the file away: same bytes, a
 * fraction of the work.
 */
export function printModule(path: string, write: (file: SourceFile) => void): string {
  const project = memoryProject();
  // A fresh path per module: the language service caches the last syntax tree it formatted by
  // file name and script version, and a re-created file of the same name can repeat a version,
  // so formatting would apply edits computed on the previous module's tree to this one's text.
  // Only the folder changes (formatting looks at the extension, never the folder).
  printed += 1;
  const file = project.createSourceFile(`/m${printed}${path}`, "", { overwrite: true });
  try {
    write(file);
    return project.getLanguageService().getFormattedDocumentText(file.getFilePath(), { indentSize: 2, convertTabsToSpaces: true });
  } finally {
    project.removeSourceFile(file);
  }
}
