#!/usr/bin/env python3
"""Generate C++ message codecs from Kappa's .kmsg schema files.

One generic mechanism for every API: each .kmsg file describes a request /
response pair (or a standalone `data` structure) with the versions each field
exists in, its nullability and tags.  The generator emits, per file, plain C++
structs with encode/decode methods, plus one API table (keys, names, version
ranges, flexible thresholds) used for dispatch and ApiVersions.

Grammar (indentation is two spaces per nesting level; `#` starts a comment):

    api <Name> <key>            |  data <Name>
      versions <lo>-<hi>           versions that we can decode/encode
      advertise <lo>-<hi>          (optional) range announced in ApiVersions
      flexible <v>+ | none         first flexible (KIP-482) version
      listeners broker,controller  (optional, default broker)
      record-type <n>              (data only) type id in a typed record stream
    request | response | fields    a section of field lines
      <Name> <type> [<versions>] [null[=<versions>]] [tag=<n>] [default=<value>]

<type> is bool, int8, int16, uint16, int32, uint32, int64, float64, uuid,
string, bytes, records, a struct name, or []<type>.  A struct-typed field
followed by deeper-indented lines defines that struct; without them it refers
to a struct defined earlier in the same section.  <versions> is `3+`, `3-7`
or `5`; omitted means every version of the enclosing struct.
"""
import os
import re
import sys

PRIMITIVES = {
    'bool': 'bool', 'int8': 'int8_t', 'int16': 'int16_t', 'uint16': 'uint16_t',
    'int32': 'int32_t', 'uint32': 'uint32_t', 'int64': 'int64_t',
    'float64': 'double', 'uuid': 'Uuid', 'string': 'std::string',
    'bytes': 'Bytes', 'records': 'Records',
}
RW = {  # schema type -> Reader/Writer method for fixed-size primitives
    'bool': 'boolean', 'int8': 'i8', 'int16': 'i16', 'uint16': 'u16',
    'int32': 'i32', 'uint32': 'u32', 'int64': 'i64', 'float64': 'f64',
    'uuid': 'uuid',
}
OPEN = 0x7fff


class SchemaError(Exception):
    pass


def parse_range(text, where):
    m = re.fullmatch(r'(\d+)\+', text)
    if m:
        return (int(m.group(1)), OPEN)
    m = re.fullmatch(r'(\d+)-(\d+)', text)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    if re.fullmatch(r'\d+', text):
        return (int(text), int(text))
    raise SchemaError(f'{where}: bad version range {text!r}')


def snake(name):
    s = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', name)
    s = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', s)
    return s.lower()


class Field:
    def __init__(self, name, type_, versions, nullable, tag, default, where):
        self.name, self.type, self.versions = name, type_, versions
        self.nullable, self.tag, self.default, self.where = nullable, tag, default, where
        self.children = []      # fields of an inline struct definition
        self.struct = None      # resolved Struct for struct-typed fields

    @property
    def is_array(self):
        return self.type.startswith('[]')

    @property
    def elem(self):
        return self.type[2:] if self.is_array else self.type

    @property
    def member(self):
        return snake(self.name)


class Struct:
    def __init__(self, name, fields, versions):
        self.name, self.fields, self.versions = name, fields, versions


class Message:
    def __init__(self, kind, name, key, where):
        self.kind, self.name, self.key, self.where = kind, name, key, where
        self.versions = None
        self.advertise = None
        self.flexible = OPEN + 1
        self.listeners = ['broker']
        self.record_type = None
        self.sections = {}


def parse_file(path):
    msg = None
    section = None
    stack = []  # (indent, field)
    with open(path) as f:
        lines = f.readlines()
    for lineno, raw in enumerate(lines, 1):
        where = f'{path}:{lineno}'
        line = raw.split('#', 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(' '))
        if indent % 2:
            raise SchemaError(f'{where}: indentation must be a multiple of two spaces')
        words = line.split()
        if indent == 0 and words[0] in ('api', 'data'):
            if msg:
                raise SchemaError(f'{where}: one api/data per file')
            if words[0] == 'api':
                msg = Message('api', words[1], int(words[2]), where)
            else:
                msg = Message('data', words[1], None, where)
            section = None
            continue
        if msg is None:
            raise SchemaError(f'{where}: expected `api` or `data` first')
        if indent == 0:
            if words[0] not in ('request', 'response', 'fields') or len(words) != 1:
                raise SchemaError(f'{where}: unknown section {line.strip()!r}')
            section = msg.sections.setdefault(words[0], [])
            stack = []
            continue
        if section is None:  # message properties
            key, vals = words[0], words[1:]
            if key == 'versions':
                msg.versions = parse_range(vals[0], where)
            elif key == 'advertise':
                msg.advertise = parse_range(vals[0], where)
            elif key == 'flexible':
                msg.flexible = OPEN + 1 if vals[0] == 'none' else parse_range(vals[0], where)[0]
            elif key == 'listeners':
                msg.listeners = vals[0].split(',')
            elif key == 'record-type':
                msg.record_type = int(vals[0])
            else:
                raise SchemaError(f'{where}: unknown property {key!r}')
            continue
        depth = indent // 2
        name, type_ = words[0], words[1]
        versions, nullable, tag, default = None, None, None, None
        for w in words[2:]:
            if w == 'null':
                nullable = 'all'
            elif w.startswith('null='):
                nullable = parse_range(w[5:], where)
            elif w.startswith('tag='):
                tag = int(w[4:])
            elif w.startswith('default='):
                default = w[8:]
            elif re.fullmatch(r'\d+(\+|-\d+)?', w):
                versions = parse_range(w, where)
            else:
                raise SchemaError(f'{where}: unknown attribute {w!r}')
        field = Field(name, type_, versions, nullable, tag, default, where)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if depth == 1:
            section.append(field)
        elif stack and stack[-1][0] == depth - 1:
            stack[-1][1].children.append(field)
        else:
            raise SchemaError(f'{where}: unexpected indentation')
        stack.append((depth, field))
    if msg is None:
        raise SchemaError(f'{path}: empty schema')
    if msg.versions is None:
        raise SchemaError(f'{msg.where}: missing `versions`')
    return msg


def resolve(msg, fields, parent_versions, structs, path):
    """Fill in defaulted versions and bind struct types; returns the Structs in definition order."""
    order = []
    for f in fields:
        if f.versions is None:
            f.versions = parent_versions
        lo = max(f.versions[0], parent_versions[0])
        hi = min(f.versions[1], parent_versions[1])
        if lo > hi:
            raise SchemaError(f'{f.where}: field versions outside its parent')
        f.versions = (lo, hi)
        if f.nullable == 'all':
            f.nullable = f.versions
        if f.elem not in PRIMITIVES:
            if f.children:
                if f.elem in structs:
                    raise SchemaError(f'{f.where}: struct {f.elem} defined twice')
                st = Struct(f.elem, f.children, f.versions)
                structs[f.elem] = st
                order += resolve(msg, f.children, f.versions, structs, path + [f.elem])
                order.append(st)
            elif f.elem not in structs:
                raise SchemaError(f'{f.where}: unknown struct {f.elem}')
            f.struct = structs[f.elem]
        elif f.children:
            raise SchemaError(f'{f.where}: primitive field with nested fields')
        if f.tag is not None and msg.flexible > f.versions[0]:
            raise SchemaError(f'{f.where}: tagged field in a non-flexible version')
        if f.type == 'records' and f.tag is not None:
            raise SchemaError(f'{f.where}: records cannot be tagged')
    return order


# ---------------------------------------------------------------- C++ output

def cond(rng, whole):
    """C++ condition `v` must meet to be inside rng, given the struct's whole range."""
    lo, hi = rng
    parts = []
    if lo > whole[0]:
        parts.append(f'v >= {lo}')
    if hi < whole[1]:
        parts.append(f'v <= {hi}')
    return ' && '.join(parts)


def cpp_scalar(t):
    return PRIMITIVES[t] if t in PRIMITIVES else t


def cpp_type(f):
    if f.is_array:
        t = f'std::vector<{cpp_scalar(f.elem)}>'
    else:
        t = cpp_scalar(f.type)
    if f.nullable and f.type != 'records':
        t = f'std::optional<{t}>'
    return t


def cpp_default(f):
    d = f.default
    if d is None:
        return '{}'
    if f.type in ('bool',):
        return '{' + d + '}'
    if f.type in ('string',):
        return '{"' + d + '"}'
    if f.type in ('int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64'):
        if d.startswith('-') and f.type in ('int32',) and int(d, 0) == -2**31:
            return '{INT32_MIN}'
        return '{' + d + '}'
    raise SchemaError(f'{f.where}: default on {f.type} not supported')


def enc_value(t, expr, flex_expr, nullable_expr, out, ind):
    """Encode one value of scalar schema type t (not array)."""
    pad = '  ' * ind
    if t in RW:
        out.append(f'{pad}w.{RW[t]}({expr});')
    elif t == 'string':
        out.append(f'{pad}w.string({expr}, {flex_expr});')
    elif t == 'bytes':
        out.append(f'{pad}w.bytes({expr}, {flex_expr});')
    elif t == 'records':
        out.append(f'{pad}w.records({expr}, {flex_expr});')
    else:
        out.append(f'{pad}{expr}.encode(w, v);')


def dec_value(t, target, flex_expr, out, ind):
    pad = '  ' * ind
    if t in RW:
        out.append(f'{pad}{target} = r.{RW[t]}();')
    elif t == 'string':
        out.append(f'{pad}{target} = r.string({flex_expr});')
    elif t == 'bytes':
        out.append(f'{pad}{target} = r.bytes({flex_expr});')
    elif t == 'records':
        out.append(f'{pad}{target} = r.records({flex_expr});')
    else:
        out.append(f'{pad}{target}.decode(r, v);')


def null_cond(f, whole):
    if not f.nullable:
        return 'false'
    c = cond(f.nullable, whole)
    return c if c else 'true'


def enc_field(f, whole, out, ind):
    """Emit code writing field f (already known to be present in version v)."""
    pad = '  ' * ind
    m = f.member
    nc = null_cond(f, whole)
    if f.type == 'records':
        out.append(f'{pad}w.records({m}, flex, {nc});')
        return
    if f.is_array:
        val = f'(*{m})' if f.nullable else m
        if f.nullable:
            out.append(f'{pad}if (!{m}) {{ w.null_array(flex, {nc}); }} else {{')
            ind += 1
        p2 = '  ' * ind
        out.append(f'{p2}w.array_len({val}.size(), flex);')
        out.append(f'{p2}for (const auto& e : {val}) {{')
        enc_value(f.elem, 'e', 'flex', None, out, ind + 1)
        out.append(f'{p2}}}')
        if f.nullable:
            out.append(f'{pad}}}')
        return
    if f.nullable:
        if f.type == 'string':
            out.append(f'{pad}w.nullable_string({m}, flex, {nc});')
        elif f.type == 'bytes':
            out.append(f'{pad}w.nullable_bytes({m}, flex, {nc});')
        elif f.struct and nc == 'true':
            out.append(f'{pad}if (!{m}) {{ w.null_struct(true); }} else {{ w.i8(1); {m}->encode(w, v); }}')
        elif f.struct:
            # The presence byte exists only in the versions where the struct is
            # nullable; elsewhere the struct is written bare (null as its default).
            out.append(f'{pad}if ({nc}) {{')
            out.append(f'{pad}  if (!{m}) {{ w.null_struct(true); }} else {{ w.i8(1); {m}->encode(w, v); }}')
            out.append(f'{pad}}} else {{')
            out.append(f'{pad}  ({m} ? *{m} : {f.elem}{{}}).encode(w, v);')
            out.append(f'{pad}}}')
        else:
            raise SchemaError(f'{f.where}: {f.type} cannot be nullable')
        return
    enc_value(f.type, m, 'flex', None, out, ind)


def dec_field(f, whole, out, ind, r='r'):
    pad = '  ' * ind
    m = f.member
    nc = null_cond(f, whole)
    if f.type == 'records':
        out.append(f'{pad}{m} = r.records(flex, {nc});')
        return
    if f.is_array:
        out.append(f'{pad}{{')
        out.append(f'{pad}  const int32_t n = r.array_len(flex, {nc});')
        if f.nullable:
            out.append(f'{pad}  if (n < 0) {{ {m}.reset(); }} else {{')
            out.append(f'{pad}    auto& a = {m}.emplace();')
        else:
            out.append(f'{pad}  {{')
            out.append(f'{pad}    auto& a = {m};')
            out.append(f'{pad}    a.clear();')
        out.append(f'{pad}    r.reserve_for(a, n);')
        out.append(f'{pad}    for (int32_t i = 0; i < n; ++i) {{')
        if f.struct:
            out.append(f'{pad}      a.emplace_back().decode(r, v);')
        else:
            dec_value(f.elem, 'a.emplace_back()', 'flex', out, ind + 3)
        out.append(f'{pad}    }}')
        out.append(f'{pad}  }}')
        out.append(f'{pad}}}')
        return
    if f.nullable:
        if f.type == 'string':
            out.append(f'{pad}{m} = r.nullable_string(flex, {nc});')
        elif f.type == 'bytes':
            out.append(f'{pad}{m} = r.nullable_bytes(flex, {nc});')
        elif f.struct and nc == 'true':
            out.append(f'{pad}if (r.struct_present(true)) {{ {m}.emplace().decode(r, v); }} else {{ {m}.reset(); }}')
        elif f.struct:
            # No presence byte in the versions where the struct is not nullable.
            out.append(f'{pad}if (!({nc}) || r.struct_present(true)) {{ {m}.emplace().decode(r, v); }} else {{ {m}.reset(); }}')
        return
    dec_value(f.type, m, 'flex', out, ind)


def is_default_expr(f):
    """C++ expression that is true when tagged field f holds its default (and is skipped)."""
    m = f.member
    if f.nullable and f.type != 'records':
        if f.default is None:
            return f'!{m}.has_value()'
    if f.is_array:
        return f'{m}.empty()'
    if f.struct:
        return f'{m} == {f.elem}{{}}'
    if f.type == 'string':
        return f'{m}.empty()' if f.default in (None, '') else f'{m} == "{f.default}"'
    if f.type == 'bytes':
        return f'{m}.empty()'
    if f.type == 'uuid':
        return f'{m} == Uuid{{}}'
    d = f.default if f.default is not None else ('false' if f.type == 'bool' else '0')
    return f'{m} == {d}'


def flex_expr(flex_lo, whole):
    if flex_lo > whole[1]:
        return 'false'
    if flex_lo <= whole[0]:
        return 'true'
    return f'v >= {flex_lo}'


def gen_struct_methods(owner, st, msg, out):
    whole = st.versions
    flex_lo = msg.flexible
    full = f'{owner}::{st.name}' if owner else st.name
    # encode
    out.append(f'void {full}::encode(Writer& w, int16_t v) const {{')
    out.append(f'  const bool flex = {flex_expr(flex_lo, whole)};')
    out.append('  (void)flex;')
    tagged = sorted([f for f in st.fields if f.tag is not None], key=lambda f: f.tag)
    for f in st.fields:
        if f.tag is not None:
            continue
        c = cond(f.versions, whole)
        if c:
            out.append(f'  if ({c}) {{')
            enc_field(f, whole, out, 2)
            out.append('  }')
        else:
            enc_field(f, whole, out, 1)
    if flex_lo <= whole[1]:
        out.append('  (void)v;')
        out.append('  if (flex) {')
        if not tagged:
            out.append('    w.uvarint(0);')
        else:
            out.append('    uint32_t tags = 0;')
            for f in tagged:
                c = cond(f.versions, whole)
                pre = f'({c}) && ' if c else ''
                out.append(f'    if ({pre}!({is_default_expr(f)})) ++tags;')
            out.append('    w.uvarint(tags);')
            for f in tagged:
                c = cond(f.versions, whole)
                pre = f'({c}) && ' if c else ''
                out.append(f'    if ({pre}!({is_default_expr(f)})) {{')
                out.append(f'      Writer tw;')
                out.append(f'      {{')
                out.append(f'        Writer& w = tw;')
                enc_field(f, whole, out, 4)
                out.append(f'      }}')
                out.append(f'      w.uvarint({f.tag});')
                out.append(f'      w.tagged_value(tw);')
                out.append(f'    }}')
        out.append('  }')
    out.append('}')
    out.append('')
    # decode
    out.append(f'void {full}::decode(Reader& r, int16_t v) {{')
    out.append(f'  const bool flex = {flex_expr(flex_lo, whole)};')
    out.append('  (void)flex;')
    for f in st.fields:
        if f.tag is not None:
            continue
        c = cond(f.versions, whole)
        if c:
            out.append(f'  if ({c}) {{')
            dec_field(f, whole, out, 2)
            out.append('  }')
        else:
            dec_field(f, whole, out, 1)
    if flex_lo <= whole[1]:
        out.append('  if (flex) {')
        out.append('    const uint32_t tags = r.uvarint();')
        out.append('    for (uint32_t t = 0; t < tags; ++t) {')
        out.append('      const uint32_t tag = r.uvarint();')
        out.append('      Reader tr = r.sub(r.uvarint());')
        if tagged:
            out.append('      switch (tag) {')
            for f in tagged:
                c = cond(f.versions, whole)
                out.append(f'        case {f.tag}:')
                out.append(f'          if ({c if c else "true"}) {{')
                out.append('            Reader& r = tr;')
                dec_field(f, whole, out, 6)
                out.append('          }')
                out.append('          break;')
            out.append('        default:')
            out.append('          break;  // unknown tags are skipped (KIP-482)')
            out.append('      }')
        else:
            out.append('      (void)tag;')
            out.append('      (void)tr;')
        out.append('    }')
        out.append('  }')
    out.append('}')
    out.append('')


def gen_struct_decl(st, ind, out, extra=None):
    pad = '  ' * ind
    out.append(f'{pad}struct {st.name} {{')
    for line in extra or []:
        out.append(f'{pad}  {line}')
    for f in st.fields:
        out.append(f'{pad}  {cpp_type(f)} {f.member}{cpp_default(f)};')
    out.append(f'{pad}  void encode(Writer& w, int16_t v) const;')
    out.append(f'{pad}  void decode(Reader& r, int16_t v);')
    out.append(f'{pad}  bool operator==(const {st.name}&) const = default;')
    out.append(f'{pad}}};')


def gen_message(msg, top_name, fields, hdr, src, extra):
    structs = {}
    whole = msg.versions
    nested = resolve(msg, fields, whole, structs, [top_name])
    top = Struct(top_name, fields, whole)
    hdr.append(f'struct {top_name} {{')
    for line in extra:
        hdr.append(f'  {line}')
    for st in nested:
        gen_struct_decl(st, 1, hdr)
    for f in fields:
        hdr.append(f'  {cpp_type(f)} {f.member}{cpp_default(f)};')
    hdr.append('  void encode(Writer& w, int16_t v) const;')
    hdr.append('  void decode(Reader& r, int16_t v);')
    hdr.append(f'  bool operator==(const {top_name}&) const = default;')
    hdr.append('};')
    hdr.append('')
    for st in nested:
        gen_struct_methods(top_name, st, msg, src)
    gen_struct_methods(None, top, msg, src)


def api_enum_name(name):
    return 'k' + name


def generate(msg, out_dir):
    base = snake(msg.name)
    hdr = ['// Generated by kmsg_gen.py from src/protocol/schema; do not edit.', '#pragma once', '',
           '#include <cstdint>', '#include <optional>', '#include <string>', '#include <vector>', '',
           '#include "kappa/protocol/wire.h"']
    if msg.kind == 'api':
        hdr.append('#include "kappa/protocol/api_key.h"')
    hdr += ['', 'namespace kappa::protocol {', '']
    src = [f'// Generated by kmsg_gen.py from src/protocol/schema; do not edit.',
           f'#include "kappa/protocol/msg/{base}.h"', '', 'namespace kappa::protocol {', '']
    lo, hi = msg.versions
    flex = msg.flexible
    common = [f'static constexpr int16_t kMinVersion = {lo};',
              f'static constexpr int16_t kMaxVersion = {hi};',
              f'static constexpr int16_t kFirstFlexibleVersion = {min(flex, OPEN)};']
    if msg.kind == 'api':
        for kind in ('request', 'response'):
            if kind not in msg.sections:
                raise SchemaError(f'{msg.where}: missing {kind} section')
            name = msg.name + kind.capitalize()
            gen_message(msg, name, msg.sections[kind],
                        hdr, src, [f'static constexpr ApiKey kApiKey = ApiKey::{api_enum_name(msg.name)};'] + common)
    else:
        if msg.record_type is not None:
            common.append(f'static constexpr int16_t kRecordType = {msg.record_type};')
        gen_message(msg, msg.name, msg.sections.get('fields', []), hdr, src, common)
    hdr.append('}  // namespace kappa::protocol')
    src.append('}  // namespace kappa::protocol')
    write_if_changed(os.path.join(out_dir, 'include/kappa/protocol/msg', base + '.h'), '\n'.join(hdr) + '\n')
    write_if_changed(os.path.join(out_dir, 'src', base + '.cc'), '\n'.join(src) + '\n')


def generate_table(msgs, out_dir):
    apis = sorted([m for m in msgs if m.kind == 'api'], key=lambda m: m.key)
    keys = [m.key for m in apis]
    if len(set(keys)) != len(keys):
        raise SchemaError('duplicate api keys')
    hdr = ['// Generated by kmsg_gen.py from src/protocol/schema; do not edit.', '#pragma once', '',
           '#include <cstdint>', '', 'namespace kappa::protocol {', '',
           '// Every API that has a schema, by Kafka API key.',
           'enum class ApiKey : int16_t {']
    for m in apis:
        hdr.append(f'  {api_enum_name(m.name)} = {m.key},')
    hdr += ['};', '', '}  // namespace kappa::protocol', '']
    write_if_changed(os.path.join(out_dir, 'include/kappa/protocol/api_key.h'), '\n'.join(hdr))
    src = ['// Generated by kmsg_gen.py from src/protocol/schema; do not edit.',
           '#include "kappa/protocol/api_table.h"', '', 'namespace kappa::protocol {', '',
           'namespace {', 'constexpr ApiSpec kSpecs[] = {']
    for m in apis:
        adv = m.advertise or m.versions
        listeners = ' | '.join(f'kListener{l.capitalize()}' for l in m.listeners)
        src.append(f'  {{ApiKey::{api_enum_name(m.name)}, "{m.name}", {m.versions[0]}, {m.versions[1]}, '
                   f'{adv[0]}, {adv[1]}, {min(m.flexible, OPEN)}, {listeners}}},')
    src += ['};', '}  // namespace', '',
            'std::span<const ApiSpec> all_api_specs() { return kSpecs; }', '',
            '}  // namespace kappa::protocol', '']
    write_if_changed(os.path.join(out_dir, 'src', 'api_table_data.cc'), '\n'.join(src))


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    with open(path, 'w') as f:
        f.write(text)


def main():
    if len(sys.argv) < 3:
        print('usage: kmsg_gen.py OUT_DIR SCHEMA...', file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    msgs = []
    try:
        for path in sys.argv[2:]:
            msg = parse_file(path)
            msgs.append(msg)
            generate(msg, out_dir)
        generate_table(msgs, out_dir)
    except SchemaError as e:
        print(f'kmsg_gen: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
