import { describe, expect, it } from 'vitest';
import { localAt, suggest } from './local.testkit.js';

const texts = (language: Parameters<typeof localAt>[0], code: string) => localAt(language, code).allSuggestions.map((i) => i.text);
const kinds = (language: Parameters<typeof localAt>[0], code: string) => localAt(language, code).allSuggestions.map((i) => i.kind);

describe('local completion: Python', () => {
  it('completes builtins and opens the call', () => {
    expect(suggest('python', 'pri')).toBe('nt(');
    expect(suggest('python', 'for i in ra')).toBe('nge(');
  });

  it('completes statement keywords only where a statement starts', () => {
    expect(suggest('python', 'def f():\n    ret')).toBe('urn');
    expect(suggest('python', 'impo')).toBe('rt');
    expect(texts('python', 'x = ret')).not.toContain('urn');
  });

  it('completes members after `.` from the document', () => {
    const code = 'class Box:\n    def __init__(self, value):\n        self.value = value\n\n    def get(self):\n        return self.va';
    expect(suggest('python', code)).toBe('lue');
    expect(localAt('python', code).allSuggestions[0]?.kind).toBe('member');
  });

  it('offers snippets indented one level deeper than the current line, with a colon', () => {
    const snippets = localAt('python', 'def main():\n    fo').allSuggestions.filter((i) => i.kind === 'snippet');
    expect(snippets.map((s) => s.text)).toContain('r i in range(n):\n        ');
    expect(texts('python', 'if __')).toContain('name__ == "__main__":\n    main()');
  });

  it('closes the brackets opened on the line, and the block header with a colon', () => {
    expect(suggest('python', 'x = foo(bar(1, 2')).toBe('))');
    expect(texts('python', 'print("hello')).toContain('")');
    expect(texts('python', 'if (ready')).toContain('):');
    expect(kinds('python', 'x = 1  # see (note')).not.toContain('closer');
  });

  it('predicts whole lines from similar lines', () => {
    const args = [1, 2, 3].map((n) => `parser.add_argument("--opt${n}", type=int, default=${n})`).join('\n');
    expect(suggest('python', `${args}\n`)).toBe('parser.add_argument("--opt4", type=int, default=4)');
    expect(suggest('python', `${args}\nparser.add_`)).toBe('argument("--opt4", type=int, default=4)');
  });

  it('repeats a line pattern seen before', () => {
    const fn = (name: string) => `def ${name}():\n    log = get_logger(__name__)\n    log.info("${name}")\n\n`;
    const code = `import os\n\n${fn('a')}${fn('b')}def c():\n    log = get_`;
    // A sure word first, then the rest once it is accepted: each step is a confident one.
    expect(suggest('python', code)).toBe('logger(');
    expect(suggest('python', `${code}logger(`)).toBe('__name__)');
    expect(suggest('python', `${code}logger(__name__)\n    `)).toBe('log.info("');
  });

  it('steps numeric sequences', () => {
    expect(suggest('python', 'a[0] = 0\na[1] = 1\n')).toBe('a[2] = 2');
    expect(suggest('python', 'a[0] = 0\na[1] = 1\na[')).toBe('2] = 2');
  });
});

describe('local completion: JavaScript', () => {
  it('completes known members of globals', () => {
    expect(suggest('javascript', 'console.l')).toBe('og(');
    expect(suggest('javascript', 'const data = JSON.str')).toBe('ingify(');
  });

  it('completes members after `obj.` from the document', () => {
    const code = 'const obj = { alpha: 1, beta: 2 };\nobj.alpha = 2;\nobj.beta = 3;\nobj.';
    const members = localAt('javascript', code)
      .allSuggestions.filter((i) => i.kind === 'member')
      .map((i) => i.label);
    expect(members).toEqual(expect.arrayContaining(['alpha', 'beta']));
    expect(suggest('javascript', 'const obj = { alpha: 1 };\nobj.alpha = 2;\nobj.al')).toBe('pha');
  });

  it("closes brackets and ends the statement in the document's semicolon style", () => {
    expect(suggest('javascript', 'const a = 1;\nfoo(bar(1, 2')).toBe('));');
    expect(suggest('javascript', 'const a = 1\nfoo(bar(1, 2')).toBe('))');
    expect(texts('javascript', 'const a = 1;\nconsole.log("hi there')).toContain('");');
  });

  it('closes callback blocks when the indentation returns to the opener', () => {
    expect(suggest('javascript', 'const a = 1;\ndescribe("x", () => {\n  it("y", () => {\n    run();\n  ')).toBe('});');
    expect(texts('javascript', 'function f() {\n  if (a) {\n    foo(1);\n  }\n')).toContain('}');
  });

  it('offers C-style snippets with braces', () => {
    expect(texts('javascript', 'fo')).toContain('r (let i = 0; i < n; i++) {\n  \n}');
  });
});

describe('local completion: TypeScript', () => {
  it('completes members of typed values from the document', () => {
    const code = 'interface User {\n  name: string;\n  age: number;\n}\nfunction greet(user: User): string {\n  return user.na';
    expect(suggest('typescript', code)).toBe('me');
  });

  it('knows TypeScript keywords and types', () => {
    expect(suggest('typescript', 'inter')).toBe('face');
    expect(suggest('typescript', 'type A = { a: string };\nconst f = (a: A): str')).toBe('ing');
    expect(kinds('typescript', 'inter')[0]).toBe('keyword');
  });
});

describe('local completion: Java', () => {
  it('completes System.out members', () => {
    expect(suggest('java', 'System.out.printl')).toBe('n(');
    expect(suggest('java', 'System.out.pr')).toBe('int');
  });

  it('completes fields and methods from the document', () => {
    const code = 'public class Main {\n    private int count;\n    public int getCount() {\n        return this.co';
    expect(suggest('java', code)).toBe('unt;');
    expect(suggest('java', 'List<String> names = new ArrayList<>();\nnames.add("a");\nnames.ad')).toBe('d(');
  });

  it('offers the main method boilerplate', () => {
    expect(texts('java', 'public class Main {\n    public static void ma')).toContain('in(String[] args) {\n        \n    }');
  });
});

describe('local completion: C++', () => {
  it('completes std:: names, `->` members and preprocessor directives', () => {
    expect(suggest('cpp', 'std::ve')).toBe('ctor<');
    expect(suggest('cpp', 'node->next = nullptr;\nnode->ne')).toBe('xt');
    expect(suggest('cpp', '#inc')).toBe('lude');
    expect(suggest('cpp', 'std::cout << a << std::endl;\nstd::cout << b << std::en')).toBe('dl');
  });

  it('closes classes with `};`', () => {
    expect(suggest('cpp', 'class Foo {\npublic:\n    int x;\n')).toBe('};');
  });

  it('offers the main boilerplate', () => {
    expect(texts('cpp', 'int ma')).toContain('in() {\n    \n    return 0;\n}');
  });
});

describe('local completion: other languages', () => {
  it('still completes identifiers and lines from the document', () => {
    expect(suggest('plaintext', 'hello world\nhel')).toBe('lo');
    expect(suggest('go', 'fmt.Println("a")\nfmt.Pr')).toBe('intln(');
    expect(suggest('rust', 'let counter = 0;\nlet total = coun')).toBe('ter');
  });
});
