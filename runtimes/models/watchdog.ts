/** An idle timer: aborts its signal when `ms` pass without `touch()`. Downloads touch it per chunk, so only a stall times out. */
export interface Watchdog {
  readonly signal: AbortSignal;
  touch(): void;
  stop(): void;
  fired(): boolean;
}

export function watchdog(ms: number): Watchdog {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), ms);
  };
  touch();
  return { signal: controller.signal, touch, stop: () => clearTimeout(timer), fired: () => controller.signal.aborted };
}
