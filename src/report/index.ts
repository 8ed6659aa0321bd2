/**
 * Renderers of findings, validations, plans and approval decisions: text (terminal),
 * Markdown (pull-request comment, check-run summaries) and JSON (CONTRACTS.md). All pure.
 */
export { findingJson, findingsJson, validationToJson, planToJson, planJsonChunks, gateToJson, changeJson } from './json.js';
export type { FindingJson, ChangeJson, ValidationJson, PlanJson, GateJson } from './json.js';
export { formatFindingsText, formatValidationText, formatPlanText, planTextChunks, formatGateText } from './text.js';
export type { TextOptions, PlanTextOptions } from './text.js';
export {
  formatPlanMarkdown,
  formatFindingsMarkdown,
  formatApprovalMarkdown,
  formatValidationMarkdown,
  formatGateMarkdown,
  escapeCell,
  DEFAULT_MAX_CHARS,
} from './markdown.js';
export type { MarkdownOptions, ApprovalMarkdownOptions } from './markdown.js';
