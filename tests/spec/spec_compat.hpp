// Rewrites for the seven 2.0 scripts that Debian's wast2json (wabt 1.0.32)
// cannot convert. Its text parser lacks later fixes; the rewrites spell the
// same tests in forms it reads, so that what those scripts test still runs
// through waot until the project reads them directly. The originals stay
// reported as "not converted".
#pragma once

#include <string>
#include <vector>

namespace waot::spec {

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

} // namespace waot::spec
