import { type LanguagePair } from './languagePairs';

export const COMPILED_PAIRS: LanguagePair[] = [
  {
    language: 'go',
    path: 'server/server.go',
    before: `package server

type Server struct {
	addr string
}

func (s *Server) Start() error {
	return nil
}

func (s *Server) Stop() {}

func New(addr string) *Server {
	return &Server{addr: addr}
}
`,
    after: `package server

type Server struct {
	addr string
}

func (s *Server) Start() error {
	return listen(s.addr)
}

type Option func(*Server)

func New(addr string) *Server {
	return &Server{addr: addr}
}
`,
    added: ['type Option'],
    removed: ['method (*Server).Stop'],
    changed: ['method (*Server).Start'],
  },
  {
    language: 'rust',
    path: 'src/lib.rs',
    before: `pub struct Foo {
    value: i32,
}

impl Foo {
    pub fn new() -> Self {
        Foo { value: 0 }
    }

    pub fn bar(&self) -> i32 {
        self.value
    }
}

fn helper() {}
`,
    after: `pub struct Foo {
    value: i32,
}

impl Foo {
    pub fn new() -> Self {
        Foo { value: 0 }
    }

    pub fn bar(&self) -> i32 {
        self.value * 2
    }
}

impl std::fmt::Display for Foo {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}", self.value)
    }
}
`,
    added: ['impl impl std::fmt::Display for Foo', 'method impl std::fmt::Display for Foo.fmt'],
    removed: ['function helper'],
    changed: ['method impl Foo.bar'],
  },
  {
    language: 'java',
    path: 'src/app/Cache.java',
    before: `package app;

public class Cache {
    private final java.util.Map<String, String> map = new java.util.HashMap<>();

    public String get(String key) {
        return map.get(key);
    }

    public void clear() {
        map.clear();
    }
}
`,
    after: `package app;

public class Cache {
    private final java.util.Map<String, String> map = new java.util.HashMap<>();

    public String get(String key) {
        return map.getOrDefault(key, "");
    }

    interface Evictor {
        void evict();
    }
}
`,
    added: ['interface Cache.Evictor', 'method Cache.Evictor.evict'],
    removed: ['method Cache.clear'],
    changed: ['method Cache.get'],
  },
  {
    language: 'csharp',
    path: 'src/Cache.cs',
    before: `namespace App
{
    public class Cache
    {
        public int Size { get; set; }

        public string Get(string key)
        {
            return key;
        }

        public void Clear() { }
    }
}
`,
    after: `namespace App
{
    public class Cache
    {
        public string Get(string key)
        {
            return key.Trim();
        }

        public void Clear() { }
    }

    public enum Mode { Fast, Slow }
}
`,
    added: ['enum App.Mode'],
    removed: ['property App.Cache.Size'],
    changed: ['method App.Cache.Get'],
  },
  {
    language: 'c',
    path: 'src/util.c',
    before: `#include <stdio.h>

struct point {
    int x;
    int y;
};

static int add(int a, int b) {
    return a + b;
}

int *find(int *xs, int n) {
    return xs;
}
`,
    after: `#include <stdio.h>

struct point {
    int x;
    int y;
};

static int add(int a, int b) {
    return a + b + 0;
}

typedef struct point point_t;
`,
    added: ['type point_t'],
    removed: ['function find'],
    changed: ['function add'],
  },
  {
    language: 'cpp',
    path: 'src/shapes.cpp',
    before: `namespace geo {
class Shape {
 public:
  virtual double area() const { return 0; }
  double scale(double k) const { return k; }
};
}

template <typename T>
T twice(T x) { return x + x; }
`,
    after: `namespace geo {
class Shape {
 public:
  virtual double area() const { return 1.0; }
  double scale(double k) const { return k; }
};

struct Point {
  int x;
};
}
`,
    added: ['struct geo.Point'],
    removed: ['function twice'],
    changed: ['method geo.Shape.area'],
  },
];
