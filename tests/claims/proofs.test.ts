// Every proof links to its claims by id: each id cited in proofs/ is a registry claim, every
// registry claim is cited by some proof, and the test a proof names for it is the claim's test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { CLAIMS } from "../../src/claims/registry.ts";

const dir = new URL("../../proofs/", import.meta.url);
const proofs = readdirSync(dir).filter((f) => f.endsWith(".md")).map((f) => ({
  file: f,
  text: readFileSync(new URL(f, dir), "utf8"),
}));
const squash = (s: string) => s.replace(/\s+/g, " ");

test("proofs/ cite only registry claims, and every registry claim is cited by a proof under its test's name", () => {
  const cited = new Map<string, string[]>();
  for (const { file, text } of proofs) {
    for (const m of text.matchAll(/\(claim\s+`([^`]+)`\)/g)) {
      cited.set(m[1], [...(cited.get(m[1]) ?? []), file]);
    }
  }
  const ids = new Set(CLAIMS.map((c) => c.id));
  assert.deepEqual(
    [...cited.keys()].filter((id) => !ids.has(id)),
    [],
    "cited but not in the registry",
  );
  assert.deepEqual(CLAIMS.filter((c) => !cited.has(c.id)).map((c) => c.id), [], "never cited");
  for (const c of CLAIMS) {
    const named = cited.get(c.id)!.some((f) =>
      squash(proofs.find((p) => p.file === f)!.text).includes(squash(c.testName))
    );
    assert.ok(named, `${c.id}: its proof does not name the test '${c.testName}'`);
  }
  assert.equal(new Set(CLAIMS.map((c) => c.testName)).size, CLAIMS.length, "test names are unique");
  assert.equal(ids.size, CLAIMS.length, "claim ids are unique");
});
