/**
 * Watches what a served project depends on and reports bursts of changes once they settle.
 * Folders are watched, not files: editors save by writing a new file and renaming it over the
 * old one, which ends a watch on the file itself. Each target names a folder and, optionally,
 * the only file names in it that count.
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import { join, relative } from "node:path";

export interface WatchTarget {
  /** Shown in the reload line ("project.yaml", "runtime", "model"). */
  readonly label: string;
  readonly dir: string;
  readonly recursive?: boolean;
  /** Only these base names count (all files when absent). */
  readonly files?: readonly string[];
}

export interface Watcher {
  close(): void;
}

/** Calls `onChange` with the labels and paths (relative to `root`) of a settled burst. */
export function watchTargets(root: string, targets: readonly WatchTarget[], debounceMs: number, onChange: (changes: { labels: string[]; paths: string[] }) => void): Watcher {
  const watchers: FSWatcher[] = [];
  const labels = new Set<string>();
  const paths = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    timer = undefined;
    const changes = { labels: [...labels], paths: [...paths] };
    labels.clear();
    paths.clear();
    onChange(changes);
  };
  for (const t of targets) {
    if (!existsSync(t.dir)) continue;
    const w = watch(t.dir, { recursive: t.recursive ?? false, persistent: true }, (_event, name) => {
      if (name === null) return;
      const base = String(name).split(/[\\/]/).pop() ?? "";
      if (t.files && !t.files.includes(base)) return;
      // Temp files of atomic writes (ours and editors') settle into a rename that is reported too.
      if (/\.tmp|~$|^\.#|\.sw[px]$/.test(base)) return;
      labels.add(t.label);
      paths.add(relative(root, join(t.dir, String(name))));
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, debounceMs);
    });
    w.on("error", () => w.close());
    watchers.push(w);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
