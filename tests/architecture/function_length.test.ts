// House style (docs/architecture.md): no function in src/ spans more than 80 lines. Every .ts
// file of src/ is parsed with the TypeScript compiler API, and every function (declaration,
// method, constructor, accessor, arrow, function expression) is measured from the line of its
// body's first character to the line of its last, nested functions included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MAX_LINES = 80;

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  );

/** What a function is called where it is defined (its name, or what it is assigned to). */
function nameOf(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  if (node.name) return node.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent)) && parent.name
  ) return parent.name.getText(file);
  return "(anonymous)";
}

/** Each function of `file` with its body's span in lines: [name, first line, lines]. */
function functionSpans(path: string, text: string): [string, number, number][] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const out: [string, number, number][] = [];
  const line = (pos: number) => file.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration, body = fn.body!;
      const first = line(body.getStart(file)), last = line(body.getEnd());
      out.push([nameOf(fn, file), line(fn.getStart(file)), last - first + 1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

test("function length: the span measure counts a body's lines, nested functions included", () => {
  const text = [
    "export function outer() {",
    "  const inner = () => {",
    "    return 1;",
    "  };",
    "  return inner();",
    "}",
    "class C { m() { return 2; } }",
  ].join("\n");
  assert.deepEqual(functionSpans("x.ts", text), [["outer", 1, 6], ["inner", 2, 3], ["m", 7, 1]]);
});

test(`function length: no function in src/ spans more than ${MAX_LINES} lines`, () => {
  const long = sources(join(root, "src")).flatMap((path) => {
    const file = relative(root, path).replaceAll("\\", "/");
    return functionSpans(file, readFileSync(path, "utf8"))
      .filter(([, , lines]) => lines > MAX_LINES)
      .map(([name, at, lines]) => `${file}:${at} ${name} (${lines} lines)`);
  });
  assert.deepEqual(long, [], `split these into functions of at most ${MAX_LINES} lines`);
});
