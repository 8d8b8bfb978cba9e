// Rewrites for the seven 2.0 scripts that Debian's wast2json (wabt 1.0.32)
// cannot convert. Its text parser lacks later fixes; the rewrites spell the
// same tests in forms it reads. Only the text round-trip test
// (text_roundtrip_test.cpp) uses them, to compare waot's bytes for those
// scripts' modules with wabt's too; the spec runner reads every script
// directly with waot's own script reader (waot/frontend/wast.hpp).
#pragma once

#include <string>
#include <vector>

namespace waot::texttest {

struct CompatRewrite {
  std::string text;                 // the rewritten script
  std::vector<std::string> applied; // a description of each rewrite applied
};

// The rewrites are:
//  - table.get/set/grow/fill/size without a table index: add the default
//    index 0 (wabt PR #2167 made it optional);
//  - the folded `if` with several condition expressions in if.wast: fold the
//    conditions into one expression (wabt PR #2349);
//  - a top-level `(module quote ...)` (valid text module, comments.wast):
//    written as the plain module its strings spell, a bare CR line end as LF
//    (1.0.32 aborts on the quoted form and knows only LF as a line end).
CompatRewrite rewriteForWast2json1032(const std::string &script);

} // namespace waot::texttest
