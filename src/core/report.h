#pragma once
// Tables as people take them away: CSV (UTF-8 with a BOM, so Excel reads Chinese) and a
// printable HTML report. One table shape for both, built once by the view that shows it.
#include <string>
#include <string_view>
#include <vector>

namespace edudesk {

struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// One CSV field: quoted (with "" for ") when it holds a comma, quote or line break.
std::string csv_cell(std::string_view v);
// BOM, the header and the rows, CRLF line ends.
std::string csv_document(const ReportTable& t);

// Escapes & < > " for HTML text and attributes.
std::string html_escape(std::string_view v);

struct ReportFigure {
  std::string label, value, trend;  // trend: "↑ 12% 较上期", may be empty
  bool bad = false;                 // drawn in red (missed a target, got worse)
};
// A self-contained page (inline CSS, print rules: A4, tables not split across pages):
// the title, lines of context (date range, filters, when), the figures, then every table.
std::string report_html(const std::string& lang, const std::string& title, const std::vector<std::string>& context,
                        const std::vector<ReportFigure>& figures, const std::vector<ReportTable>& tables);

}  // namespace edudesk
