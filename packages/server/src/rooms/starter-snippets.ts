import type { LanguageId } from '@pairwise/protocol';

/** What a new room holds before anyone types. Seeded once, by the server, when the room is created. */
const SNIPPETS: Partial<Record<LanguageId, string>> = {
  python: 'def main():\n    print("Hello from Pairwise!")\n\n\nif __name__ == "__main__":\n    main()\n',
  javascript: 'function main() {\n  console.log("Hello from Pairwise!");\n}\n\nmain();\n',
  typescript: 'function main(): void {\n  console.log("Hello from Pairwise!");\n}\n\nmain();\n',
  java: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello from Pairwise!");\n    }\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n    std::cout << "Hello from Pairwise!" << std::endl;\n    return 0;\n}\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello from Pairwise!\\n");\n    return 0;\n}\n',
  csharp: 'using System;\n\nclass Program {\n    static void Main() {\n        Console.WriteLine("Hello from Pairwise!");\n    }\n}\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello from Pairwise!")\n}\n',
  rust: 'fn main() {\n    println!("Hello from Pairwise!");\n}\n',
  ruby: 'def main\n  puts "Hello from Pairwise!"\nend\n\nmain\n',
  php: '<?php\n\necho "Hello from Pairwise!\\n";\n',
  kotlin: 'fun main() {\n    println("Hello from Pairwise!")\n}\n',
  swift: 'print("Hello from Pairwise!")\n',
  sql: "SELECT 'Hello from Pairwise!' AS greeting;\n",
};

export function starterSnippet(language: LanguageId): string {
  return SNIPPETS[language] ?? '';
}
