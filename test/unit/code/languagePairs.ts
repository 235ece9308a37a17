/**
 * One before/after source pair per language, each with exactly one added, one removed and one
 * changed symbol (an added container brings its members; JavaScript's exports the added one, which
 * changes its `module.exports` too), and the expected delta as `kind name`.
 */
export interface LanguagePair {
  language: string;
  path: string;
  before: string;
  after: string;
  added: string[];
  removed: string[];
  changed: string[];
}

export const SCRIPT_PAIRS: LanguagePair[] = [
  {
    language: 'typescript',
    path: 'src/config.ts',
    before: `import { readFileSync } from 'node:fs';

export interface Config {
  name: string;
}

export function parseConfig(text: string): Config {
  return JSON.parse(text) as Config;
}

export class Loader {
  private cache = new Map<string, Config>();

  load(path: string): Config {
    return parseConfig(readFileSync(path, 'utf8'));
  }

  clear(): void {
    this.cache.clear();
  }
}

const DEFAULT_NAME = 'x';
`,
    after: `import { readFileSync } from 'node:fs';

export interface Config {
  name: string;
}

export function parseConfig(text: string): Config {
  const parsed = JSON.parse(text) as Config;
  return { ...parsed, name: parsed.name.trim() };
}

export class Loader {
  private cache = new Map<string, Config>();

  load(path: string): Config {
    return parseConfig(readFileSync(path, 'utf8'));
  }

  reload(path: string): Config {
    this.cache.delete(path);
    return this.load(path);
  }
}

const DEFAULT_NAME = 'x';
`,
    added: ['method Loader.reload'],
    removed: ['method Loader.clear'],
    changed: ['function parseConfig'],
  },
  {
    language: 'tsx',
    path: 'src/App.tsx',
    before: `export type Props = { title: string };

export function Header({ title }: Props) {
  return <h1>{title}</h1>;
}

export const Footer = () => <footer>bye</footer>;
`,
    after: `export type Props = { title: string };

export function Header({ title }: Props) {
  return <h2 className="title">{title}</h2>;
}

export class Panel extends React.Component<Props> {
  render() {
    return <div>{this.props.title}</div>;
  }
}
`,
    added: ['class Panel', 'method Panel.render'],
    removed: ['function Footer'],
    changed: ['function Header'],
  },
  {
    language: 'javascript',
    path: 'lib/util.js',
    before: `'use strict';

function add(a, b) {
  return a + b;
}

let counter = 0;

class Queue {
  push(item) {
    this.items.push(item);
  }
}

module.exports = { add, Queue };
`,
    after: `'use strict';

function add(a, b) {
  return Number(a) + Number(b);
}

class Queue {
  push(item) {
    this.items.push(item);
  }
}

function* ids() {
  yield 1;
}

module.exports = { add, Queue, ids };
`,
    added: ['function ids'],
    removed: ['variable counter'],
    // Exporting the added function changes what `module.exports` holds: a second change, on purpose.
    changed: ['function add', 'variable module.exports'],
  },
  {
    language: 'python',
    path: 'pkg/config.py',
    before: `import json

DEFAULT = {"name": "x"}


def parse_config(text):
    return json.loads(text)


class Loader:
    def load(self, path):
        with open(path) as f:
            return parse_config(f.read())

    @staticmethod
    def clear():
        pass
`,
    after: `import json

DEFAULT = {"name": "x"}


def parse_config(text):
    data = json.loads(text)
    return {**DEFAULT, **data}


class Loader:
    def load(self, path):
        with open(path) as f:
            return parse_config(f.read())


@dataclass
class Settings:
    name: str = "x"
`,
    added: ['class Settings'],
    removed: ['method Loader.clear'],
    changed: ['function parse_config'],
  },
  {
    language: 'ruby',
    path: 'lib/cache.rb',
    before: `module Store
  class Cache
    def get(key)
      @map[key]
    end

    def self.build
      new
    end
  end
end

def helper
  1
end
`,
    after: `module Store
  class Cache
    def get(key)
      @map.fetch(key, nil)
    end

    def self.build
      new
    end

    def clear
      @map = {}
    end
  end
end
`,
    added: ['method Store.Cache.clear'],
    removed: ['method helper'],
    changed: ['method Store.Cache.get'],
  },
  {
    language: 'php',
    path: 'src/Cache.php',
    before: `<?php
namespace App;

function helper() { return 1; }

class Cache {
    public function get($key) { return $this->map[$key]; }
    public function clear() { $this->map = []; }
}
`,
    after: `<?php
namespace App;

function helper() { return 2; }

class Cache {
    public function get($key) { return $this->map[$key]; }
}

trait Loggable {
    public function log($message) { echo $message; }
}
`,
    added: ['trait Loggable', 'method Loggable.log'],
    removed: ['method Cache.clear'],
    changed: ['function helper'],
  },
];
