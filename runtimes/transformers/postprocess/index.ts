/**
 * Post-processing of transformer outputs, matching Hugging Face pipelines and KeyBERT: pure
 * functions over arrays, no model or tokenizer calls.
 */
export { classifyRow, defaultFunction, applyFunction, type ClassificationFunction, type LabelScore } from "./classify.js";
export { codePointToUtf16Offsets, type Span } from "./offsets.js";
export { tokenClassification, AGGREGATIONS, type Aggregation, type NerEntity, type TokenClassificationInput } from "./ner.js";
export { groupEntities, groupType, splitTag, type Group, type Labelled } from "./ner-group.js";
export { splitSentences, rebaseEntities, type Sentence, type SplitOptions } from "./sentences.js";
export { poolRow, l2normalize, type PoolingMode } from "./pooling.js";
export { candidateKeyphrases, analyze, compareCodePoints, DEFAULT_MAX_CANDIDATES, type CandidateOptions, type CandidateSet } from "./candidates.js";
export { englishStopWords } from "./stopwords.js";
export { selectKeywords, meanEmbedding, guideEmbedding, type Keyword, type KeywordOptions } from "./keybert.js";
export { maxSumCombinations, DEFAULT_MAX_SUM_COMBINATIONS } from "./maxsum.js";
export { cosineToAll, pairwiseCosine } from "./similarity.js";
export { pyRound } from "./pyround.js";
