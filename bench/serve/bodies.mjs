// Deterministic request bodies shared by every server in the bench (same bytes for all).
export const SPAM_TEXT = (() => {
  const words =
    "hello team please find attached the quarterly report and let me know if you have questions about the budget review meeting on thursday afternoon we can also discuss the new project timeline free offer click now to win cash prize limited time".split(
      " ",
    );
  let s = "";
  let x = 12345;
  while (s.length < 1200) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += (s ? " " : "") + words[x % words.length];
  }
  return s;
})();

export const MLP_ROW = (() => {
  const row = [];
  let x = 777;
  for (let i = 0; i < 256; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    row.push(Number(((x % 20000) / 10000 - 1).toFixed(4)));
  }
  return row;
})();

export const BODIES = {
  spam: JSON.stringify({ data: { namespace: "spam", attributes: { text: SPAM_TEXT } } }),
  mlp: JSON.stringify({ data: { namespace: "mlp", attributes: { x: MLP_ROW } } }),
};
