#include "core/report.h"

#include <cctype>

namespace edudesk {

std::string csv_cell(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string csv_document(const ReportTable& t) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    out += "\r\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string html_escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string report_html(const std::string& lang, const std::string& title, const std::vector<std::string>& context,
                        const std::vector<ReportFigure>& figures, const std::vector<ReportTable>& tables) {
  std::string h = "<!doctype html>\n<html lang=\"" + html_escape(lang) + "\"><head><meta charset=\"utf-8\">";
  h += "<title>" + html_escape(title) + "</title><style>"
       "body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;margin:24px;color:#1d2433}"
       "h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:22px 0 6px}.ctx{color:#5a6478;font-size:12px}"
       ".figs{display:flex;flex-wrap:wrap;gap:8px;margin-top:14px}.fig{border:1px solid #d5dae3;border-radius:6px;"
       "padding:8px 12px;min-width:150px}.fig b{display:block;font-size:18px}.fig i{font-style:normal;font-size:11px;color:#5a6478}"
       ".bad b,.bad i{color:#b3261e}table{border-collapse:collapse;width:100%;font-size:12px}"
       "th,td{border:1px solid #d5dae3;padding:3px 6px;text-align:left}th{background:#eef1f6}"
       "td.n{text-align:right}@media print{body{margin:0}@page{size:A4;margin:14mm}section{break-inside:avoid}"
       "button{display:none}}</style></head><body>\n";
  h += "<h1>" + html_escape(title) + "</h1>\n";
  for (const std::string& c : context) h += "<div class=\"ctx\">" + html_escape(c) + "</div>\n";
  h += "<button onclick=\"window.print()\">打印 / Print</button>\n<div class=\"figs\">\n";
  for (const ReportFigure& f : figures)
    h += std::string("<div class=\"fig") + (f.bad ? " bad" : "") + "\"><span>" + html_escape(f.label) + "</span><b>" +
         html_escape(f.value) + "</b><i>" + html_escape(f.trend) + "</i></div>\n";
  h += "</div>\n";
  for (const ReportTable& t : tables) {
    h += "<section><h2>" + html_escape(t.title) + "</h2><table><thead><tr>";
    for (const std::string& c : t.header) h += "<th>" + html_escape(c) + "</th>";
    h += "</tr></thead><tbody>\n";
    for (const auto& r : t.rows) {
      h += "<tr>";
      for (const std::string& c : r) {
        bool number = !c.empty() && (std::isdigit(static_cast<unsigned char>(c[0])) || c[0] == '-' || c[0] == '+');
        h += number ? "<td class=\"n\">" : "<td>";
        h += html_escape(c) + "</td>";
      }
      h += "</tr>\n";
    }
    h += "</tbody></table></section>\n";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace edudesk
