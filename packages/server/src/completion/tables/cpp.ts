import type { LanguageTable } from './types.js';

export const CPP: LanguageTable = {
  statementKeywords: [
    'return', 'if', 'const', 'for', 'template', 'typedef', 'else', 'static', 'using', 'namespace', 'struct', 'class',
    'while', 'switch', 'case', 'break', 'continue', 'default', 'void', 'int', 'bool', 'auto', 'inline', 'virtual',
    'public', 'private', 'protected', 'constexpr', 'explicit', 'friend', 'enum', 'throw', 'try', 'catch', 'do', 'unsigned',
    'char', 'double', 'float', 'long', 'short', 'goto', 'operator', 'static_assert', 'extern', 'typename', 'delete',
  ],
  expressionKeywords: [
    'const', 'typename', 'noexcept', 'this', 'true', 'false', 'nullptr', 'sizeof', 'new', 'delete', 'static_cast',
    'reinterpret_cast', 'const_cast', 'dynamic_cast', 'decltype', 'operator', 'override', 'final', 'size_t', 'unsigned',
    'int', 'bool', 'char', 'void', 'auto', 'constexpr', 'volatile',
  ],
  builtins: ['std', 'printf(', 'size_t', 'ptrdiff_t', 'nullptr_t', 'main(', 'NULL', 'assert('],
  members: {
    std: [
      'size_t', 'move(', 'forward<', 'vector<', 'string', 'cout', 'endl', 'swap(', 'min(', 'max(', 'pair<', 'make_pair(',
      'unique_ptr<', 'shared_ptr<', 'make_unique<', 'make_shared<', 'map<', 'unordered_map<', 'set<', 'cin', 'cerr',
      'sort(', 'function<', 'array<', 'optional<', 'tuple<', 'begin(', 'end(', 'to_string(', 'getline(', 'is_same<',
      'enable_if<', 'declval<', 'addressof(', 'numeric_limits<', 'initializer_list<', '__addressof(',
    ],
  },
  genericMembers: [
    'size()', 'begin()', 'end()', 'first', 'second', 'push_back(', 'empty()', 'get()', 'c_str()', 'data()', 'clear()',
    'insert(', 'erase(', 'find(', 'emplace_back(', 'at(', 'back()', 'front()', 'pop_back()', 'reserve(', 'resize(',
    'length()', 'substr(', 'count(', 'reset(', 'swap(', 'capacity()', 'append(',
  ],
  directives: ['include', 'define', 'endif', 'ifndef', 'ifdef', 'if', 'else', 'elif', 'pragma', 'undef', 'error'],
  snippets: [
    { label: 'int main()', body: 'int main() {\n\t\n\treturn 0;\n}' },
    { label: '#include <iostream>', body: '#include <iostream>' },
    { label: 'std::cout', body: 'std::cout << value << std::endl;' },
    { label: 'for (int i…)', body: 'for (int i = 0; i < n; ++i) {\n\t\n}' },
    { label: 'range for', body: 'for (const auto& item : items) {\n\t\n}' },
    { label: 'if', body: 'if (condition) {\n\t\n}' },
    { label: 'if / else', body: 'if (condition) {\n\t\n} else {\n\t\n}' },
    { label: 'while', body: 'while (condition) {\n\t\n}' },
    { label: 'class', body: 'class Name {\npublic:\n\tName();\n};' },
    { label: 'struct', body: 'struct Name {\n\t\n};' },
    { label: 'try / catch', body: 'try {\n\t\n} catch (const std::exception& e) {\n\t\n}' },
  ],
  blocks: 'brace',
  defaultIndent: '    ',
  lineComment: '//',
  blockComment: ['/*', '*/'],
  blockHeaders: ['if', 'for', 'while', 'switch', 'catch', 'else', 'try', 'do', 'class', 'struct', 'namespace'],
};
