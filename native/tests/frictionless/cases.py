#!/usr/bin/env python3
"""Cases of the differential test with frictionless-py, and their oracle verdicts.

    python3 cases.py OUT_DIR            # writes the cases and OUT_DIR/cases.json
    python3 cases.py OUT_DIR --no-oracle  # the cases only (to read them)
    python3 cases.py --list             # the case ids

Each case is a small CSV file (`data.csv`), a Table Schema (`schema.json`) and, for the
cases of CSV dialect options, a Frictionless/CSV dialect (`dialect.json`, given to watt as
`--dialect FILE`). They are generated here, at test time, from hand-written value lists
(every type and format of Table Schema v1, every constraint) and from a seeded random
generator (mixed tables with structural errors), so the same cases come out on every run
and nothing big is committed. `native/tests/frictionless.rs` runs this script once, then
`watt check` on each case, and compares.

The oracle is frictionless-py, pinned with the libraries its verdicts depend on
(`requirements.txt`, which .ci/setup.sh installs). Per
case it gives a verdict (`valid`, `invalid`, or `refused` when frictionless does not accept
the schema or dialect) and the errors as [code, rowNumber, fieldNumber], with `null` where
frictionless gives no number (labels have no row; row errors have no field).

Case ids are paths, `area/what/variant`, and `area/what:value` for the cases of one value
(backslashes, line breaks and tabs written `\\`, `\n`, `\r`, `\t`): the list of known differences
(`differences.json`) selects cases by id with `*` wildcards.
"""

import csv
import io
import json
import os
import random
import sys

ORACLE_VERSION = "5.18.1"
# frictionless and the libraries its verdicts come from (chardet's encoding guesses, the
# email, uri, duration and date parsers), pinned so that the verdicts do not move.
REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")
INSTALL = f"python3 -m pip install -r {REQUIREMENTS}"


def pinned():
    """(name, version) of each line of requirements.txt."""
    out = []
    with open(REQUIREMENTS, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, version = line.split("==")
                out.append((name, version))
    return out


def oracle_problem():
    """Why the oracle cannot run as pinned, or None."""
    from importlib import metadata

    wrong = []
    for name, version in pinned():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            found = "not installed"
        if found != version:
            wrong.append(f"{name} {found} (pinned: {version})")
    return ", ".join(wrong) or None
SEED = 18

# Frictionless error types that mean "the metadata was refused", not "the data is wrong".
REFUSALS = {
    "schema-error",
    "field-error",
    "dialect-error",
    "control-error",
    "resource-error",
    "package-error",
    "checklist-error",
    "general-error",
}


def table(header, rows, delimiter=",", terminator="\n"):
    """CSV text of a header and rows (cells quoted where needed)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=terminator)
    if header is not None:
        w.writerow(header)
    for r in rows:
        w.writerow(r)
    return out.getvalue()


class Cases:
    def __init__(self):
        self.items = []
        self.ids = set()

    def add(self, id, data, schema, dialect=None, needs=()):
        if id in self.ids:
            raise SystemExit(f"cases.py: the case id {id!r} is written twice")
        self.ids.add(id)
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.items.append(
            {"id": id, "data": data, "schema": schema, "dialect": dialect, "needs": list(needs)}
        )


def label(value):
    """A value as it appears in a case id: line breaks and tabs escaped, `(empty)`."""
    if value == "":
        return "(empty)"
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def one_value(cases, area, field, values):
    """One case per value: a table `id,v` with one row, `v` declared as `field`."""
    for v in values:
        schema = {"fields": [{"name": "id", "type": "integer"}, dict(name="v", **field)]}
        cases.add(f"{area}:{label(v)}", table(["id", "v"], [["1", v]]), schema)


# ---------------------------------------------------------------------------------------
# Types and formats

TYPES = [
    # (area, field declaration, values)
    ("type/string/default", {"type": "string"}, ["abc", "", " lead", "é€", "a,b", 'say "hi"', "line\nbreak"]),
    ("type/string/email", {"type": "string", "format": "email"},
     ["a@b.co", "first.last+tag@example.org", "not-an-email", "a@b", "@b.com", "a b@c.de", "a@b@c.de"]),
    ("type/string/uri", {"type": "string", "format": "uri"},
     ["http://example.com", "https://x.org/a?b=c#d", "example.com", "ftp://h/p", "mailto:a@b.co",
      "urn:isbn:0451450523", "http://", "/relative/path", "http://exa mple.com"]),
    ("type/string/uuid", {"type": "string", "format": "uuid"},
     ["11111111-2222-4333-8444-555555555555", "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE",
      "11111111222243338444555555555555", "11111111-2222-4333-8444-55555555555", "not-a-uuid",
      "{11111111-2222-4333-8444-555555555555}"]),
    ("type/string/binary", {"type": "string", "format": "binary"},
     ["aGVsbG8=", "aGVsbG8", "aGVs bG8=", "!!!", "YQ==", "YQ"]),
    ("type/integer/default", {"type": "integer"},
     ["1", "-1", "+1", "0", "007", "1.0", "1e3", " 1", "1 ", "9223372036854775807", "9223372036854775808",
      "1,000", "abc", "12%", "0x10", "1_000"]),
    ("type/integer/bareNumber-false", {"type": "integer", "bareNumber": False},
     ["12", "12%", "€12", "12 EUR", "-12$", "a12b"]),
    ("type/number/default", {"type": "number"},
     ["1", "1.5", "-1.5", "+1.5", ".5", "5.", "1e3", "1E-2", "NaN", "nan", "INF", "-INF", "inf", "Infinity",
      "1,5", "1 000", "1,000.5", "0x10", "12%", "1_000", "abc", " 1.5"]),
    ("type/number/decimalChar-comma", {"type": "number", "decimalChar": ","},
     ["1,5", "-1,5", "1.5", "1", "1,5e3", "1.000,5"]),
    ("type/number/groupChar-comma", {"type": "number", "groupChar": ","},
     ["1,000", "1,000.5", "1,00", "1000", "1,,000", ",1000"]),
    ("type/number/groupChar-space-decimalChar-comma", {"type": "number", "groupChar": " ", "decimalChar": ","},
     ["1 000,5", "1 000 000", "1000,5", "1 000.5"]),
    ("type/number/groupChar-empty", {"type": "number", "groupChar": ""}, ["1000.5", "1,000.5", "1 000"]),
    ("type/number/bareNumber-false", {"type": "number", "bareNumber": False},
     ["12.5", "12.5%", "€12.5", "12.5 EUR", "$-12.5", "a12.5b", "%"]),
    ("type/boolean/default", {"type": "boolean"},
     ["true", "false", "True", "FALSE", "1", "0", "yes", "no", "t", "f", "y", "on", " true"]),
    ("type/boolean/custom", {"type": "boolean", "trueValues": ["oui", "O"], "falseValues": ["non", "N"]},
     ["oui", "non", "O", "N", "true", "false", "Oui"]),
    ("type/date/default", {"type": "date"},
     ["2024-01-15", "2024-02-29", "2023-02-29", "2024-13-01", "2024-1-5", "20240115", "15/01/2024",
      "2024-01-15T00:00:00", "0001-01-01", "9999-12-31", " 2024-01-15"]),
    ("type/date/any", {"type": "date", "format": "any"},
     ["2024-01-15", "15/01/2024", "01/15/2024", "Jan 15 2024", "15 January 2024", "2024/01/15", "nonsense"]),
    ("type/date/custom-dmy", {"type": "date", "format": "%d/%m/%Y"},
     ["15/01/2024", "2024-01-15", "1/2/2024", "31/02/2024", "15/01/24"]),
    ("type/date/custom-fmt-prefix", {"type": "date", "format": "fmt:%Y%m%d"}, ["20240115", "2024-01-15"]),
    ("type/time/default", {"type": "time"},
     ["15:00:00", "15:00", "25:00:00", "15:00:00Z", "15:00:00+03:00", "15:00:00.123", "3pm", "24:00:00",
      "15:60:00"]),
    ("type/time/any", {"type": "time", "format": "any"}, ["15:00:00", "15:00", "3pm", "15h00"]),
    ("type/time/custom", {"type": "time", "format": "%H:%M"}, ["15:00", "15:00:00", "7:05"]),
    ("type/datetime/default", {"type": "datetime"},
     ["2024-01-15T08:00:00Z", "2024-01-15T08:00:00", "2024-01-15T08:00:00+01:00", "2024-01-15 08:00:00",
      "2024-01-15T08:00:00.5Z", "2024-01-15", "2024-01-15T25:00:00Z", "2024-01-15T08:00Z"]),
    ("type/datetime/any", {"type": "datetime", "format": "any"},
     ["2024-01-15T08:00:00Z", "2024-01-15 08:00", "15/01/2024 08:00", "Jan 15 2024 8am", "nonsense"]),
    ("type/datetime/custom", {"type": "datetime", "format": "%d/%m/%Y %H:%M"},
     ["15/01/2024 08:00", "2024-01-15T08:00:00Z", "15/01/2024"]),
    ("type/year/default", {"type": "year"}, ["2024", "0", "24", "-1", "20245", "2024.0", "abcd", "0999"]),
    ("type/yearmonth/default", {"type": "yearmonth"},
     ["2024-01", "2024-12", "2024-13", "2024-00", "2024-1", "202401", "2024/01", "2024-01-15"]),
    ("type/duration/default", {"type": "duration"},
     ["P1Y2M3DT4H5M6S", "PT0S", "P1W", "PT1.5S", "P1D", "PT36H", "1 day", "P", "PT", "-P1D", "P1DT"]),
    ("type/geopoint/default", {"type": "geopoint"},
     ["45.5,3.2", "45.5, 3.2", "-180,-90", "200,100", "45.5", "abc", "45.5,3.2,1"]),
    ("type/geopoint/array", {"type": "geopoint", "format": "array"},
     ["[45.5, 3.2]", "[45.5,3.2]", "[200, 100]", "[1]", "45.5,3.2", '["45.5","3.2"]']),
    ("type/geopoint/object", {"type": "geopoint", "format": "object"},
     ['{"lon": 45.5, "lat": 3.2}', '{"lat": 3.2, "lon": 45.5}', '{"lon": 200, "lat": 3.2}', '{"x": 1}',
      "45.5,3.2"]),
    ("type/geojson/default", {"type": "geojson"},
     ['{"type": "Point", "coordinates": [1, 2]}',
      '{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}',
      '{"type": "Feature", "geometry": null, "properties": {}}',
      '{"type": "Nope"}', '{"type": "Point"}', "[1, 2]", "abc"]),
    ("type/geojson/topojson", {"type": "geojson", "format": "topojson"},
     ['{"type": "Topology", "objects": {}, "arcs": []}', '{"type": "Point", "coordinates": [1, 2]}', "abc"]),
    ("type/object/default", {"type": "object"}, ['{"a": 1}', "{}", "[]", "abc", '{"a": }', "1"]),
    ("type/array/default", {"type": "array"}, ["[1, 2]", "[]", "{}", "abc", '["a", {"b": 1}]', "[1,"]),
    ("type/any/default", {"type": "any"}, ["x", "1", "{}", " "]),
    ("type/integer/groupChar", {"type": "integer", "groupChar": " "}, ["1 000", "1000", "1,000"]),
    ("type/number/bareNumber-false-decimalChar", {"type": "number", "bareNumber": False, "decimalChar": ","},
     ["12,5 %", "€ 1,5", "1.5"]),
    ("type/boolean/trueValues-only", {"type": "boolean", "trueValues": ["Y"]}, ["Y", "true", "false", "N"]),
    ("type/date/custom-month-name", {"type": "date", "format": "%d %b %Y"}, ["15 Jan 2024", "15 jan 2024", "15 janv. 2024"]),
    ("type/datetime/custom-zone", {"type": "datetime", "format": "%Y-%m-%dT%H:%M:%S%z"},
     ["2024-01-15T08:00:00+0100", "2024-01-15T08:00:00Z", "2024-01-15T08:00:00"]),
]

# Declarations watt or frictionless may refuse: formats a type does not have, unknown types.
DECLARATIONS = [
    ("schema/format/integer-format", {"type": "integer", "format": "default"}),
    ("schema/format/string-unknown", {"type": "string", "format": "phone"}),
    ("schema/format/number-currency", {"type": "number", "format": "currency"}),
    ("schema/type/unknown", {"type": "integr"}),
    ("schema/type/missing", {}),
    ("schema/custom/field-x-unit", {"type": "number", "x-unit": "kWh"}),
    ("schema/custom/field-rdfType", {"type": "string", "rdfType": "http://schema.org/name"}),
    ("schema/custom/field-description-lang", {"type": "string", "description@en": "A name"}),
    ("schema/custom/constraint-typo", {"type": "string", "constraints": {"requried": True}}),
    ("schema/custom/required-on-field", {"type": "string", "required": True}),
    ("schema/custom/constraint-wrong-type", {"type": "string", "constraints": {"minimum": 1}}),
]


def types(cases):
    for area, field, values in TYPES:
        one_value(cases, area, field, values)
    for area, field in DECLARATIONS:
        one_value(cases, area, field, ["1"])
    # Custom properties at the schema level.
    cases.add(
        "schema/custom/schema-level",
        table(["id"], [["1"]]),
        {"fields": [{"name": "id", "type": "integer"}], "tablename": "t", "x-source": "portal"},
    )


# ---------------------------------------------------------------------------------------
# Constraints

CONSTRAINTS = [
    ("constraint/required/string", {"type": "string", "constraints": {"required": True}}, ["a", "", " "]),
    ("constraint/required/integer", {"type": "integer", "constraints": {"required": True}}, ["1", ""]),
    ("constraint/minLength/string", {"type": "string", "constraints": {"minLength": 2}}, ["ab", "a", "é", "éé", ""]),
    ("constraint/maxLength/string", {"type": "string", "constraints": {"maxLength": 2}}, ["ab", "abc", "éé", "ééé"]),
    ("constraint/minLength/array", {"type": "array", "constraints": {"minLength": 2}}, ["[1, 2]", "[1]"]),
    ("constraint/maxLength/object", {"type": "object", "constraints": {"maxLength": 1}}, ['{"a": 1}', '{"a": 1, "b": 2}']),
    ("constraint/minimum/integer", {"type": "integer", "constraints": {"minimum": 0}}, ["0", "-1", "5"]),
    ("constraint/maximum/integer", {"type": "integer", "constraints": {"maximum": 10}}, ["10", "11"]),
    ("constraint/minimum/number", {"type": "number", "constraints": {"minimum": 0.5}},
     ["0.5", "0.49", "NaN", "INF", "-INF"]),
    ("constraint/maximum/number", {"type": "number", "constraints": {"maximum": 1.5}}, ["1.5", "1.51", "NaN", "INF"]),
    ("constraint/minimum/number-decimalChar", {"type": "number", "decimalChar": ",", "constraints": {"minimum": 1}},
     ["1,5", "0,5"]),
    ("constraint/minimum/date", {"type": "date", "constraints": {"minimum": "2024-01-01"}}, ["2024-01-01", "2023-12-31"]),
    ("constraint/maximum/date-custom", {"type": "date", "format": "%d/%m/%Y", "constraints": {"maximum": "31/12/2024"}},
     ["31/12/2024", "01/01/2025"]),
    ("constraint/minimum/time", {"type": "time", "constraints": {"minimum": "08:00:00"}}, ["08:00:00", "07:59:59"]),
    ("constraint/maximum/datetime", {"type": "datetime", "constraints": {"maximum": "2024-01-01T00:00:00Z"}},
     ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"]),
    ("constraint/minimum/year", {"type": "year", "constraints": {"minimum": 2000}}, ["2000", "1999"]),
    ("constraint/maximum/yearmonth", {"type": "yearmonth", "constraints": {"maximum": "2024-06"}}, ["2024-06", "2024-07"]),
    ("constraint/pattern/string", {"type": "string", "constraints": {"pattern": "[0-9]{3}"}},
     ["123", "1234", "a123", "12", "١٢٣"]),
    ("constraint/pattern/alternation", {"type": "string", "constraints": {"pattern": "a|bc"}}, ["a", "bc", "abc"]),
    ("constraint/pattern/integer", {"type": "integer", "constraints": {"pattern": "[1-5]+"}}, ["123", "16"]),
    ("constraint/enum/string", {"type": "string", "constraints": {"enum": ["BASE", "HPHC"]}}, ["BASE", "base", "TEMPO", ""]),
    ("constraint/enum/integer", {"type": "integer", "constraints": {"enum": [1, 2]}}, ["1", "01", "+2", "3"]),
    ("constraint/enum/number", {"type": "number", "constraints": {"enum": [1.5, 2]}}, ["1.5", "1.50", "2.0", "3"]),
    ("constraint/enum/date", {"type": "date", "constraints": {"enum": ["2024-01-01"]}}, ["2024-01-01", "2024-01-02"]),
    ("constraint/enum/boolean", {"type": "boolean", "constraints": {"enum": [True]}}, ["true", "false"]),
    ("constraint/type-and-constraint", {"type": "integer", "constraints": {"minimum": 5, "enum": [6, 7]}}, ["x", "4", "6", "8"]),
    ("constraint/minLength/combining", {"type": "string", "constraints": {"minLength": 2}}, ["e\u0301", "\U0001F600"]),
    ("constraint/maxLength/zero", {"type": "string", "constraints": {"maxLength": 0}}, ["", "a"]),
    ("constraint/minimum/bareNumber-false", {"type": "integer", "bareNumber": False, "constraints": {"minimum": 10}},
     ["12%", "9%"]),
    ("constraint/pattern/unicode-class", {"type": "string", "constraints": {"pattern": "\\p{L}+"}}, ["abc", "a1"]),
    ("constraint/pattern/dot-newline", {"type": "string", "constraints": {"pattern": "a.b"}}, ["axb", "a\nb"]),
    ("constraint/enum/year", {"type": "year", "constraints": {"enum": [2024]}}, ["2024", "2023"]),
    ("constraint/enum/with-missing", {"type": "string", "constraints": {"enum": ["a"]}}, [""]),
    ("constraint/required/missing-value-na", {"type": "string", "constraints": {"required": True}}, ["NA"]),
]


def constraints(cases):
    for area, field, values in CONSTRAINTS:
        one_value(cases, area, field, values)
    # unique: repeats, empty repeats, repeats equal as values but not as text.
    for name, field, values in [
        ("string", {"type": "string"}, ["a", "b", "a", "c", "a"]),
        ("empty", {"type": "string"}, ["a", "", "", "b"]),
        ("integer-text", {"type": "integer"}, ["1", "01", "+1", "2"]),
        ("number-text", {"type": "number"}, ["1.5", "1.50", "2"]),
        ("case", {"type": "string"}, ["a", "A"]),
        ("date", {"type": "date"}, ["2024-01-01", "2024-01-02", "2024-01-01"]),
        ("boolean-forms", {"type": "boolean"}, ["true", "True", "1"]),
        ("datetime-zones", {"type": "datetime"}, ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00"]),
    ]:
        f = dict(name="v", **field)
        f["constraints"] = {"unique": True}
        rows = [[str(i + 1), v] for i, v in enumerate(values)]
        cases.add(f"constraint/unique/{name}", table(["id", "v"], rows),
                  {"fields": [{"name": "id", "type": "integer"}, f]})


# ---------------------------------------------------------------------------------------
# missingValues

def missing_values(cases):
    header = ["id", "v"]
    for name, mv, field, values in [
        ("default-empty", None, {"type": "integer"}, ["", "NA"]),
        ("custom-na", ["", "NA", "-"], {"type": "integer"}, ["NA", "-", "", "n/a"]),
        ("custom-na-required", ["NA"], {"type": "integer", "constraints": {"required": True}}, ["NA", ""]),
        ("none", [], {"type": "string"}, ["", "x"]),
        ("none-integer", [], {"type": "integer"}, [""]),
        ("space", [" "], {"type": "integer"}, [" ", ""]),
    ]:
        for v in values:
            schema = {"fields": [{"name": "id", "type": "integer"}, dict(name="v", **field)]}
            if mv is not None:
                schema["missingValues"] = mv
            cases.add(f"missingValues/{name}:{label(v)}", table(header, [["1", v]]), schema)
    # A field-level missingValues (Table Schema v2; frictionless 5 reads it).
    cases.add(
        "missingValues/field-level",
        table(header, [["1", "NA"]]),
        {"fields": [{"name": "id", "type": "integer"}, {"name": "v", "type": "integer", "missingValues": ["NA"]}]},
    )


# ---------------------------------------------------------------------------------------
# primaryKey and foreignKeys

def keys(cases):
    two = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    for name, pk, rows in [
        ("single/valid", ["a"], [["1", "x"], ["2", "x"]]),
        ("single/repeat", ["a"], [["1", "x"], ["2", "y"], ["1", "z"], ["1", "w"]]),
        ("single/repeat-as-value", ["a"], [["1", "x"], ["01", "y"]]),
        ("single/empty", ["a"], [["", "x"], ["2", "y"]]),
        ("single/empty-twice", ["a"], [["", "x"], ["", "y"]]),
        ("single/string-form", "a", [["1", "x"], ["1", "y"]]),
        ("composite/valid", ["a", "b"], [["1", "x"], ["1", "y"], ["2", "x"]]),
        ("composite/repeat", ["a", "b"], [["1", "x"], ["1", "y"], ["1", "x"]]),
        ("composite/one-empty", ["a", "b"], [["1", ""], ["1", ""]]),
        ("composite/all-empty", ["a", "b"], [["", ""], ["2", "x"]]),
        ("composite/type-error", ["a", "b"], [["x", "y"], ["x", "y"]]),
    ]:
        cases.add(f"primaryKey/{name}", table(["a", "b"], rows), {"fields": two, "primaryKey": pk})
    # Foreign keys to the same resource.
    tree = [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}]
    fk = [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]
    for name, rows in [
        ("valid", [["1", ""], ["2", "1"], ["3", "2"]]),
        ("forward", [["1", "3"], ["2", "1"], ["3", "1"]]),
        ("missing", [["1", ""], ["2", "9"], ["3", "1"], ["4", "8"]]),
        ("self", [["1", "1"]]),
    ]:
        cases.add(f"foreignKey/self/{name}", table(["id", "parent"], rows),
                  {"fields": tree, "primaryKey": ["id"], "foreignKeys": fk})
    cases.add(
        "foreignKey/self/list-form",
        table(["id", "parent"], [["1", ""], ["2", "7"]]),
        {"fields": tree, "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}}]},
    )
    cases.add(
        "foreignKey/self/missing-value",
        table(["id", "parent"], [["1", "NA"], ["2", "1"]]),
        {"fields": tree, "missingValues": ["", "NA"], "foreignKeys": fk},
    )
    cases.add(
        "foreignKey/self/type-error",
        table(["id", "parent"], [["x", ""], ["2", "x"]]),
        {"fields": tree, "foreignKeys": fk},
    )
    cases.add(
        "foreignKey/self/string-keys",
        table(["id", "parent"], [["a", ""], ["b", "a"], ["c", "A"]]),
        {"fields": [{"name": "id", "type": "string"}, {"name": "parent", "type": "string"}], "foreignKeys": fk},
    )
    cases.add(
        "primaryKey/missing-value",
        table(["a", "b"], [["NA", "x"], ["NA", "y"]]),
        {"fields": two, "missingValues": ["NA"], "primaryKey": ["a"]},
    )
    cases.add(
        "primaryKey/with-unique",
        table(["a", "b"], [["1", "x"], ["1", "x"]]),
        {"fields": [two[0], {"name": "b", "type": "string", "constraints": {"unique": True}}], "primaryKey": ["a"]},
    )
    cases.add(
        "primaryKey/string-spaces",
        table(["a", "b"], [["1", "x"], ["1", "x "]]),
        {"fields": [two[0], two[1]], "primaryKey": ["a", "b"]},
    )
    four = [{"name": n, "type": "string"} for n in ["a", "b", "pa", "pb"]]
    cases.add(
        "foreignKey/self/composite",
        table(["a", "b", "pa", "pb"], [["1", "x", "", ""], ["2", "y", "1", "x"], ["3", "z", "1", "y"], ["4", "w", "1", ""]]),
        {"fields": four, "foreignKeys": [{"fields": ["pa", "pb"], "reference": {"resource": "", "fields": ["a", "b"]}}]},
    )


# ---------------------------------------------------------------------------------------
# Structure: rows, labels, encodings

def structure(cases):
    s2 = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    s2pk = dict(s2, primaryKey=["a"])
    raw = [
        ("rows/valid", "a,b\n1,x\n2,y\n", s2),
        ("rows/no-final-newline", "a,b\n1,x\n2,y", s2),
        ("rows/crlf", "a,b\r\n1,x\r\n2,y\r\n", s2),
        ("rows/cr", "a,b\r1,x\r2,y\r", s2),
        ("rows/blank-middle", "a,b\n1,x\n\n2,y\n", s2),
        ("rows/blank-middle-two", "a,b\n1,x\n\n\n2,y\n", s2),
        ("rows/blank-end", "a,b\n1,x\n2,y\n\n", s2),
        ("rows/blank-end-two", "a,b\n1,x\n2,y\n\n\n", s2),
        ("rows/blank-after-header", "a,b\n\n1,x\n", s2),
        ("rows/blank-before-header", "\na,b\n1,x\n", s2),
        ("rows/blank-primary-key", "a,b\n1,x\n\n\n2,y\n", s2pk),
        ("rows/blank-then-error", "a,b\n1,x\n\nz,y\n", s2),
        ("rows/delimiters-only", "a,b\n1,x\n,\n2,y\n", s2),
        ("rows/spaces-only", "a,b\n1,x\n , \n2,y\n", s2),
        ("rows/blank-crlf", "a,b\r\n1,x\r\n\r\n2,y\r\n", s2),
        ("rows/quoted-newline", 'a,b\n1,"x\ny"\nz,y\n', s2),
        ("rows/quoted-empty", 'a,b\n1,x\n"",""\n2,y\n', s2),
        ("rows/extra-cell", "a,b\n1,x,extra\n2,y\n", s2),
        ("rows/extra-cells-two", "a,b\n1,x,e,f\n", s2),
        ("rows/extra-cell-empty", "a,b\n1,x,\n", s2),
        ("rows/missing-cell", "a,b\n1\n2,y\n", s2),
        ("rows/missing-cell-typed", "a,b,c\n1,x\n", dict(s2, fields=s2["fields"] + [{"name": "c", "type": "integer"}])),
        ("rows/missing-cell-required", "a,b\n1\n",
         {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string", "constraints": {"required": True}}]}),
        ("rows/header-only", "a,b\n", s2),
        ("rows/header-only-no-newline", "a,b", s2),
        ("rows/empty-file", "", s2),
        ("rows/unterminated-quote", 'a,b\n1,"x\n2,y\n', s2),
        ("rows/quote-in-middle", 'a,b\n1,x"y\n', s2),
        ("rows/bom", "\ufeffa,b\n1,x\n", s2),
        ("labels/extra-label", "a,b,c\n1,x,y\n", s2),
        ("labels/extra-label-two", "a,b,c,d\n1,x,y,z\n", s2),
        ("labels/extra-label-duplicate", "a,b,a\n1,x,2\n", s2),
        ("labels/missing-label", "a\n1\n", s2),
        ("labels/missing-label-two", "a\n1\n",
         dict(s2, fields=s2["fields"] + [{"name": "c", "type": "integer"}])),
        ("labels/duplicate-label", "a,a\n1,x\n", s2),
        ("labels/incorrect-label", "a,c\n1,x\n", s2),
        ("labels/incorrect-label-swapped", "b,a\nx,1\n", s2),
        ("labels/case", "A,b\n1,x\n", s2),
        ("labels/surrounding-space", " a,b\n1,x\n", s2),
        ("labels/blank-label", ",b\n1,x\n", s2),
        ("labels/blank-label-last", "a,\n1,x\n", s2),
        ("labels/blank-extra-label", "a,b,\n1,x,y\n", s2),
        ("labels/quoted", '"a","b"\n1,x\n', s2),
        ("labels/quoted-newline", '"a","b\nc"\n1,x\n', s2),
        ("labels/header-only-extra", "a,b,c\n", s2),
        ("rows/trailing-delimiter", "a,b,\n1,x,\n2,y,\n", s2),
        ("rows/quoted-crlf", 'a,b\r\n1,"x\r\ny"\r\nz,y\r\n', s2),
        ("rows/bom-blank", "\ufeffa,b\n\n1,x\n", s2),
        ("rows/whitespace-line", "a,b\n1,x\n   \n2,y\n", s2),
        ("rows/blank-end-primary-key", "a,b\n1,x\n\n\n", s2pk),
        ("rows/missing-cell-primary-key", "a,b\n1\n1\n", dict(s2, primaryKey=["a", "b"])),
        ("rows/extra-cell-blank-row", "a,b\n,,\n", s2),
        ("rows/long-row", "a,b\n" + ",".join(["1"] * 40) + "\n", s2),
    ]
    for id, data, schema in raw:
        cases.add(f"structure/{id}", data, schema)
    latin = {"fields": [{"name": "id", "type": "integer"}, {"name": "city", "type": "string"}]}
    for id, data in [
        ("encoding/latin-1", "id,city\n1,Orléans\n2,Besançon\n3,Neufchâteau\n".encode("latin-1")),
        ("encoding/windows-1252", "id,city\n1,Œuvre 5€\n2,Orléans\n".encode("windows-1252")),
        ("encoding/utf-16le-bom", "\ufeffid,city\n1,Orléans\n".encode("utf-16-le")),
        ("encoding/invalid-byte", b"id,city\n1,Orl\xff\xfeans\n2,Lyon\n"),
    ]:
        cases.add(f"structure/{id}", data, latin)


# ---------------------------------------------------------------------------------------
# Detection: no dialect given, each side finds the delimiter, quote and header itself.

def detection(cases):
    s2 = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    num = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "number"}]}
    for name, data, schema in [
        ("semicolon", "a;b\n1;x\n2;y\n3;z\n", s2),
        ("tab", "a\tb\n1\tx\n2\ty\n", s2),
        ("pipe", "a|b\n1|x\n2|y\n", s2),
        ("semicolon-error", "a;b\n1;x\nz;y\n", s2),
        ("quote-single", "a,b\n1,'x,y'\n2,'z,w'\n", s2),
        ("decimal-comma", "a;b\n1;1,5\n2;2,25\n", num),
        ("decimal-comma-declared", "a;b\n1;1,5\n2;2,25\n",
         {"fields": [num["fields"][0], {"name": "b", "type": "number", "decimalChar": ","}]}),
        ("no-header", "1,x\n2,y\n", s2),
        ("no-header-numbers", "1,2\n3,4\n", {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}),
    ]:
        cases.add(f"detect/{name}", data, schema)


# ---------------------------------------------------------------------------------------
# Dialects (given as --dialect FILE, issue 18 point 6)

def dialects(cases):
    s2 = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    items = [
        ("delimiter-semicolon", {"delimiter": ";"}, "a;b\n1;x,y\n2;z\n"),
        ("delimiter-pipe", {"delimiter": "|"}, "a|b\n1|x\n"),
        ("delimiter-tab", {"delimiter": "\t"}, "a\tb\n1\tx\n2\ty z\n"),
        ("quoteChar-single", {"quoteChar": "'"}, "a,b\n1,'x,y'\n2,'z'\n"),
        ("doubleQuote-false-escape", {"doubleQuote": False, "escapeChar": "\\"}, 'a,b\n1,"x\\"y"\n2,z\n'),
        ("escapeChar", {"escapeChar": "\\"}, "a,b\n1,x\\,y\n2,z\n"),
        ("skipInitialSpace-true", {"skipInitialSpace": True}, "a, b\n1, x\n 2, y\n"),
        ("skipInitialSpace-false", {"skipInitialSpace": False}, "a,b\n1, x\n2,y\n"),
        ("commentChar-before", {"commentChar": "#"}, "# produced by a tool\na,b\n1,x\n"),
        ("commentChar-among", {"commentChar": "#"}, "a,b\n1,x\n# a comment\n2,y\n"),
        ("commentChar-among-error", {"commentChar": "#"}, "a,b\n1,x\n# a comment\nz,y\n"),
        ("header-false", {"header": False}, "1,x\n2,y\n"),
        ("header-false-error", {"header": False}, "1,x\nz,y\n"),
        ("headerRows-two", {"headerRows": [1, 2], "headerJoin": " "}, "a,b\nx,y\n1,x\n",
         {"fields": [{"name": "a x", "type": "integer"}, {"name": "b y", "type": "string"}]}),
        ("headerRows-second", {"headerRows": [2]}, "junk,junk\na,b\n1,x\n"),
        ("lineTerminator-crlf", {"lineTerminator": "\r\n"}, "a,b\r\n1,x\r\n"),
        ("combined", {"delimiter": ";", "quoteChar": "'", "skipInitialSpace": True, "commentChar": "#"},
         "# export\na; b\n1; 'x;y'\n# note\nz; w\n"),
        ("delimiter-semicolon-decimal-comma", {"delimiter": ";"}, "a;b\n1;1,5\n2;x\n",
         {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "number", "decimalChar": ","}]}),
        ("header-false-extra-cell", {"header": False}, "1,x\n2,y,z\n"),
        ("commentChar-blank-row", {"commentChar": "#"}, "a,b\n# c\n\n1,x\nz,y\n"),
        ("quoteChar-single-doubled", {"quoteChar": "'"}, "a,b\n1,'it''s'\n"),
        ("skipInitialSpace-quoted", {"skipInitialSpace": True}, 'a, b\n1, "x, y"\nz, w\n'),
        ("headerRows-three", {"headerRows": [1, 2, 3], "headerJoin": "_"}, "a,b\nx,y\n1,2\n1,x\n",
         {"fields": [{"name": "a_x_1", "type": "integer"}, {"name": "b_y_2", "type": "string"}]}),
        ("doubleQuote-true", {"doubleQuote": True}, 'a,b\n1,"say ""hi"""\n'),
        ("lineTerminator-cr", {"lineTerminator": "\r"}, "a,b\r1,x\r2,y\r"),
    ]
    for item in items:
        name, dialect, data = item[:3]
        schema = item[3] if len(item) > 3 else s2
        cases.add(f"dialect/{name}", data, schema, dialect=dialect, needs=["--dialect"])


# ---------------------------------------------------------------------------------------
# Seeded random tables: several typed columns, a few broken cells and rows, so row and
# field numbers are compared past the first row and column.

POOLS = [
    ({"type": "integer"}, ["1", "42", "-7", "x", "1.5", ""]),
    ({"type": "number"}, ["1.5", "-0.25", "3", "abc", "1e2", ""]),
    ({"type": "string", "constraints": {"maxLength": 3}}, ["ab", "abc", "abcd", ""]),
    ({"type": "boolean"}, ["true", "false", "maybe", ""]),
    ({"type": "date"}, ["2024-01-15", "2024-02-30", "15/01/2024", ""]),
    ({"type": "datetime"}, ["2024-01-15T08:00:00Z", "2024-01-15T08:00:00", "soon", ""]),
    ({"type": "string", "constraints": {"enum": ["BASE", "HPHC"]}}, ["BASE", "HPHC", "TEMPO"]),
    ({"type": "integer", "constraints": {"minimum": 0, "required": True}}, ["0", "5", "-1", ""]),
    ({"type": "year"}, ["2024", "1999", "x", ""]),
    ({"type": "string", "constraints": {"pattern": "[A-Z][0-9]"}}, ["A1", "B2", "a1", "A12"]),
]

# Families of random tables: each adds one feature to the plain tables, so that a
# difference in one feature (blank rows, empty key cells) leaves the others compared.
RANDOM_FAMILIES = [
    # (family, tables, blank lines, primary key: None, "full" or "with-empty")
    ("plain", 100, False, None),
    ("primary-key", 30, False, "full"),
    ("blank-rows", 15, True, None),
    ("primary-key-empty", 15, False, "with-empty"),
]


def random_tables(cases):
    rng = random.Random(SEED)
    for family, count, blank, pk in RANDOM_FAMILIES:
        for n in range(count):
            ncols = rng.randint(2, 5)
            cols = [rng.randrange(len(POOLS)) for _ in range(ncols)]
            fields = [dict(name=f"c{i + 1}", **json.loads(json.dumps(POOLS[c][0]))) for i, c in enumerate(cols)]
            rows = []
            for _ in range(rng.randint(3, 8)):
                row = [rng.choice(POOLS[c][1]) for c in cols]
                shape = rng.random()
                if shape < 0.06:
                    row = row + ["extra"]
                elif shape < 0.12:
                    row = row[:-1]
                rows.append(row)
            schema = {"fields": fields}
            if pk is not None:
                # A key column in front: repeats among a few values, and empty cells in
                # the "with-empty" family.
                fields.insert(0, {"name": "k", "type": "integer"})
                keys = ["1", "2", "3", "4"] + ([""] if pk == "with-empty" else [])
                for row in rows:
                    row.insert(0, rng.choice(keys))
                if pk == "with-empty" and "" not in [r[0] for r in rows]:
                    rows[rng.randrange(len(rows))][0] = ""
                schema["primaryKey"] = ["k"]
            if rng.random() < 0.2:
                schema["missingValues"] = ["", "NA"]
            text = table([f["name"] for f in fields], rows)
            if blank:
                # One or two blank lines among the rows (the header stays line 1).
                lines = text.split("\n")
                for _ in range(rng.randint(1, 2)):
                    lines.insert(rng.randint(2, len(lines) - 1), "")
                text = "\n".join(lines)
            cases.add(f"random/{family}/{n:03}", text, schema)


def all_cases():
    cases = Cases()
    types(cases)
    constraints(cases)
    missing_values(cases)
    keys(cases)
    structure(cases)
    detection(cases)
    dialects(cases)
    random_tables(cases)
    return cases.items


# ---------------------------------------------------------------------------------------
# Oracle


def oracle(case_dir, case):
    """frictionless-py's verdict on one case written in `case_dir`."""
    from frictionless import Dialect, FrictionlessException, Resource, Schema

    try:
        options = {}
        if case["dialect"] is not None:
            options["dialect"] = Dialect.from_descriptor(case["dialect"])
        resource = Resource(
            path="data.csv",
            basepath=case_dir,
            schema=Schema.from_descriptor(case["schema"]),
            **options,
        )
        report = resource.validate(limit_errors=1_000_000)
    except FrictionlessException as e:
        return {"verdict": "refused", "errors": [], "note": f"{e.error.type}: {e.error.note}"}
    except Exception as e:  # frictionless itself fails (a pattern Python's re cannot compile)
        return {"verdict": "refused", "errors": [], "note": f"frictionless raised {type(e).__name__}: {e}"}
    errors = list(report.errors)
    for task in report.tasks:
        errors.extend(task.errors)
    refusals = [e for e in errors if e.type in REFUSALS]
    if refusals:
        e = refusals[0]
        return {"verdict": "refused", "errors": [], "note": f"{e.type}: {e.note}"}
    found = [[e.type, getattr(e, "row_number", None), getattr(e, "field_number", None)] for e in errors]
    return {"verdict": "valid" if not found else "invalid", "errors": found}


def main(argv):
    if argv[1:2] == ["--list"]:
        for c in all_cases():
            print(c["id"])
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    with_oracle = "--no-oracle" not in argv[2:]
    if with_oracle:
        problem = oracle_problem()
        if problem:
            print(f"cases.py: the oracle is not installed as pinned: {problem}: {INSTALL}", file=sys.stderr)
            return 3
    os.makedirs(out, exist_ok=True)
    listed = []
    for n, case in enumerate(all_cases()):
        rel = f"{n:04}"
        d = os.path.join(out, rel)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "data.csv"), "wb") as f:
            f.write(case["data"])
        with open(os.path.join(d, "schema.json"), "w", encoding="utf-8") as f:
            json.dump(case["schema"], f, ensure_ascii=False, indent=1)
        entry = {"id": case["id"], "dir": rel, "needs": case["needs"]}
        if case["dialect"] is not None:
            with open(os.path.join(d, "dialect.json"), "w", encoding="utf-8") as f:
                json.dump(case["dialect"], f, ensure_ascii=False, indent=1)
            entry["dialect"] = "dialect.json"
        if with_oracle:
            entry["oracle"] = oracle(d, case)
        listed.append(entry)
    with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"oracle": dict(pinned()), "seed": SEED, "cases": listed}, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
