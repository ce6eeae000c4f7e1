#include "build/jinja/lexer.h"

#include <cctype>
#include <cstring>

#include "build/jinja/value.h"

namespace slapos::jinja {

const char* TokName(Tok t) {
  switch (t) {
    case Tok::kText: return "template data";
    case Tok::kVarBegin: return "'{{'";
    case Tok::kVarEnd: return "end of print statement '}}'";
    case Tok::kBlockBegin: return "'{%'";
    case Tok::kBlockEnd: return "end of statement block '%}'";
    case Tok::kName: return "name";
    case Tok::kString: return "string";
    case Tok::kInt: return "integer";
    case Tok::kFloat: return "float";
    case Tok::kOp: return "operator";
    case Tok::kEof: return "end of template";
  }
  return "token";
}

namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Lexer {
 public:
  Lexer(std::string src, const std::string& name) : src_(std::move(src)), name_(name) {}

  std::vector<Token> Run() {
    while (pos_ < src_.size()) {
      size_t k = FindOpener(pos_);
      if (k == std::string::npos) {
        EmitText(src_.substr(pos_), line_);
        CountLines(pos_, src_.size());
        break;
      }
      std::string text = src_.substr(pos_, k - pos_);
      int text_line = line_;
      CountLines(pos_, k);
      char kind = src_[k + 1];
      bool strip_before = k + 2 < src_.size() && src_[k + 2] == '-';
      size_t raw_end = 0;
      bool raw_strip_after = false;
      if (kind == '%' && MatchTag(k, "raw", &raw_end, nullptr, &raw_strip_after)) {
        if (strip_before) text = std::string(TrimRightWs(text));
        EmitText(text, text_line);
        LexRaw(k, raw_end, raw_strip_after);
        continue;
      }
      if (strip_before) text = std::string(TrimRightWs(text));
      EmitText(text, text_line);
      pos_ = k + 2;
      if (pos_ < src_.size() && (src_[pos_] == '-' || src_[pos_] == '+')) ++pos_;
      if (kind == '#') {
        LexComment();
      } else {
        LexTag(kind == '{');
      }
    }
    Token eof;
    eof.type = Tok::kEof;
    eof.line = line_;
    out_.push_back(eof);
    return std::move(out_);
  }

 private:
  [[noreturn]] void Error(int line, const std::string& msg) {
    throw TemplateError{name_ + ":" + std::to_string(line) + ": " + msg, true};
  }

  static std::string_view TrimRightWs(std::string_view s) {
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
  }

  void CountLines(size_t from, size_t to) {
    for (size_t n = from; n < to && n < src_.size(); ++n) line_ += src_[n] == '\n';
  }

  size_t FindOpener(size_t from) const {
    for (size_t n = src_.find('{', from); n != std::string::npos; n = src_.find('{', n + 1)) {
      if (n + 1 < src_.size() && (src_[n + 1] == '{' || src_[n + 1] == '%' || src_[n + 1] == '#')) {
        return n;
      }
    }
    return std::string::npos;
  }

  void EmitText(std::string text, int line) {
    if (text.empty()) return;
    Token t;
    t.type = Tok::kText;
    t.value = std::move(text);
    t.line = line;
    out_.push_back(std::move(t));
  }

  void SkipWhitespaceAfterTag() {
    while (pos_ < src_.size() && IsSpace(src_[pos_])) {
      line_ += src_[pos_] == '\n';
      ++pos_;
    }
  }

  // Matches "{%[-+]? <word> [-]?%}" at `at`; sets *end past it and the strip flags.
  bool MatchTag(size_t at, const char* word, size_t* end, bool* strip_before, bool* strip_after) {
    size_t n = at + 2;
    bool sb = false;
    if (n < src_.size() && (src_[n] == '-' || src_[n] == '+')) sb = src_[n++] == '-';
    while (n < src_.size() && IsSpace(src_[n])) ++n;
    size_t len = std::strlen(word);
    if (src_.compare(n, len, word) != 0) return false;
    n += len;
    if (n < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[n])) || src_[n] == '_')) {
      return false;
    }
    while (n < src_.size() && IsSpace(src_[n])) ++n;
    bool sa = false;
    if (n < src_.size() && src_[n] == '-') {
      sa = true;
      ++n;
    }
    if (src_.compare(n, 2, "%}") != 0) return false;
    *end = n + 2;
    if (strip_before) *strip_before = sb;
    if (strip_after) *strip_after = sa;
    return true;
  }

  void LexRaw(size_t start, size_t body_start, bool strip_after_open) {
    int open_line = line_;
    CountLines(start, body_start);
    for (size_t k = src_.find("{%", body_start); k != std::string::npos; k = src_.find("{%", k + 1)) {
      size_t end = 0;
      bool sb = false, sa = false;
      if (!MatchTag(k, "endraw", &end, &sb, &sa)) continue;
      std::string body = src_.substr(body_start, k - body_start);
      if (sb) body = std::string(TrimRightWs(body));
      if (strip_after_open) {
        size_t first = 0;
        while (first < body.size() && IsSpace(body[first])) ++first;
        body.erase(0, first);
      }
      EmitText(body, line_);
      CountLines(body_start, end);
      pos_ = end;
      if (sa) SkipWhitespaceAfterTag();
      return;
    }
    Error(open_line, "missing {% endraw %} for the {% raw %} block opened here");
  }

  void LexComment() {
    int open_line = line_;
    size_t end = src_.find("#}", pos_);
    if (end == std::string::npos) Error(open_line, "unclosed comment '{#' (missing '#}')");
    bool strip_after = end > pos_ && src_[end - 1] == '-';
    CountLines(pos_, end + 2);
    pos_ = end + 2;
    if (strip_after) SkipWhitespaceAfterTag();
  }

  void Push(Tok type, std::string value, int line) {
    Token t;
    t.type = type;
    t.value = std::move(value);
    t.line = line;
    out_.push_back(std::move(t));
  }

  void LexTag(bool is_var) {
    int open_line = line_;
    Push(is_var ? Tok::kVarBegin : Tok::kBlockBegin, is_var ? "{{" : "{%", line_);
    const char* close = is_var ? "}}" : "%}";
    int depth = 0;
    for (;;) {
      while (pos_ < src_.size() && IsSpace(src_[pos_])) {
        line_ += src_[pos_] == '\n';
        ++pos_;
      }
      if (pos_ >= src_.size()) {
        Error(open_line, std::string("unclosed tag '") + (is_var ? "{{" : "{%") +
                             "' (missing '" + close + "')");
      }
      if (depth == 0) {
        bool strip = src_[pos_] == '-' && src_.compare(pos_ + 1, 2, close) == 0;
        if (strip || src_.compare(pos_, 2, close) == 0) {
          Push(is_var ? Tok::kVarEnd : Tok::kBlockEnd, close, line_);
          pos_ += strip ? 3 : 2;
          if (strip) SkipWhitespaceAfterTag();
          return;
        }
      }
      char c = src_[pos_];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t n = pos_;
        while (n < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[n])) || src_[n] == '_')) ++n;
        Push(Tok::kName, src_.substr(pos_, n - pos_), line_);
        pos_ = n;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        LexNumber();
      } else if (c == '\'' || c == '"') {
        LexString(c);
      } else {
        static const char* kOps[] = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%",
                                     "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",",
                                     ".", ":", "|", ";"};
        const char* found = nullptr;
        for (const char* op : kOps) {
          if (src_.compare(pos_, std::strlen(op), op) == 0) {
            found = op;
            break;
          }
        }
        if (!found) Error(line_, std::string("unexpected character '") + c + "'");
        if (*found == '(' || *found == '[' || *found == '{') ++depth;
        if ((*found == ')' || *found == ']' || *found == '}') && depth > 0) --depth;
        Push(Tok::kOp, found, line_);
        pos_ += std::strlen(found);
      }
    }
  }

  void LexNumber() {
    size_t n = pos_;
    auto digits = [&] {
      while (n < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[n])) ||
                                 (src_[n] == '_' && n + 1 < src_.size() &&
                                  std::isdigit(static_cast<unsigned char>(src_[n + 1]))))) {
        ++n;
      }
    };
    digits();
    bool is_float = false;
    bool after_dot = !out_.empty() && out_.back().type == Tok::kOp && out_.back().value == ".";
    if (!after_dot && n + 1 < src_.size() && src_[n] == '.' &&
        std::isdigit(static_cast<unsigned char>(src_[n + 1]))) {
      is_float = true;
      ++n;
      digits();
    }
    if (!after_dot && n < src_.size() && (src_[n] == 'e' || src_[n] == 'E')) {
      size_t m = n + 1;
      if (m < src_.size() && (src_[m] == '+' || src_[m] == '-')) ++m;
      if (m < src_.size() && std::isdigit(static_cast<unsigned char>(src_[m]))) {
        is_float = true;
        n = m;
        digits();
      }
    }
    std::string text;
    for (size_t k = pos_; k < n; ++k) {
      if (src_[k] != '_') text += src_[k];
    }
    Token t;
    t.line = line_;
    t.value = text;
    if (is_float) {
      t.type = Tok::kFloat;
      t.fval = std::strtod(text.c_str(), nullptr);
    } else {
      t.type = Tok::kInt;
      errno = 0;
      t.ival = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE) Error(line_, "integer literal " + text + " is too large");
    }
    out_.push_back(std::move(t));
    pos_ = n;
  }

  void LexString(char quote) {
    int start_line = line_;
    std::string value;
    size_t n = pos_ + 1;
    for (;;) {
      if (n >= src_.size()) Error(start_line, "unterminated string literal");
      char c = src_[n];
      if (c == quote) break;
      if (c == '\n') ++line_;
      if (c != '\\' || n + 1 >= src_.size()) {
        value += c;
        ++n;
        continue;
      }
      char e = src_[n + 1];
      n += 2;
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case '0': value += '\0'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'v': value += '\v'; break;
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case '\n': ++line_; break;
        case 'x':
        case 'u':
        case 'U': {
          size_t len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (n + len > src_.size()) Error(line_, "truncated \\" + std::string(1, e) + " escape");
          std::string hex = src_.substr(n, len);
          for (char h : hex) {
            if (!std::isxdigit(static_cast<unsigned char>(h))) {
              Error(line_, "invalid \\" + std::string(1, e) + " escape in string literal");
            }
          }
          AppendUtf8(value, static_cast<uint32_t>(std::stoul(hex, nullptr, 16)));
          n += len;
          break;
        }
        default:
          value += '\\';
          value += e;
      }
    }
    Push(Tok::kString, std::move(value), start_line);
    pos_ = n + 1;
  }

  std::string src_;
  const std::string& name_;
  size_t pos_ = 0;
  int line_ = 1;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view source, const std::string& template_name,
                            bool keep_trailing_newline) {
  std::string src;
  src.reserve(source.size());
  for (size_t n = 0; n < source.size(); ++n) {
    if (source[n] == '\r') {
      src += '\n';
      if (n + 1 < source.size() && source[n + 1] == '\n') ++n;
    } else {
      src += source[n];
    }
  }
  if (!keep_trailing_newline && !src.empty() && src.back() == '\n') src.pop_back();
  return Lexer(std::move(src), template_name).Run();
}

}  // namespace slapos::jinja
