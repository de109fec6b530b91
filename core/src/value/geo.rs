//! The `geopoint` and `geojson` types, read as frictionless-py 5.18.1 reads them.
//!
//! A geopoint is a longitude and a latitude, written `"lon, lat"` (format `default`),
//! `[lon, lat]` (`array`) or `{"lon": .., "lat": ..}` (`object`); the longitude lies in
//! [-180, 180] and the latitude in [-90, 90]. Numbers are written as Python's `Decimal`
//! reads them (`1e2`, `.5`, `1_000`; `NaN` and `Infinity` are out of range), in ASCII
//! digits (Python also reads other scripts' digits: watt does not). In the JSON
//! formats a coordinate may also be a string holding such a number, or `true` / `false`
//! (1 and 0), as frictionless-py takes them.
//!
//! A geojson value is a JSON object whose structure is checked against the GeoJSON schema
//! frictionless-py uses (format `default`) or its TopoJSON schema (`topojson`): a known
//! `type` and the members that type needs, with positions of two numbers (GeoJSON) or of
//! at least two (TopoJSON). The checks below follow those JSON Schemas rule for rule,
//! oddities included (in a `FeatureCollection`, a feature may lack its `type`; `"crs":
//! null` is refused), so that both tools give the same verdict.

use serde_json::{Map, Value as Json};

/// How a geopoint is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoPointFormat {
    /// `"lon, lat"`.
    Default,
    /// `[lon, lat]`.
    Array,
    /// `{"lon": lon, "lat": lat}`.
    Object,
}

/// The JSON schema a geojson value is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoJsonFormat {
    /// GeoJSON.
    Default,
    /// TopoJSON.
    TopoJson,
}

/// Reads a geopoint as `(lon, lat)`, or `None` when the text is not one or is out of
/// range. The `default` format allocates nothing.
pub fn parse_geopoint(format: GeoPointFormat, s: &str) -> Option<(f64, f64)> {
    let (lon, lat) = match format {
        GeoPointFormat::Default => {
            let (lon, lat) = s.split_once(',')?;
            if lat.contains(',') {
                return None;
            }
            (decimal(lon)?, decimal(lat)?)
        }
        GeoPointFormat::Array => match serde_json::from_str::<Json>(s).ok()? {
            Json::Array(items) if items.len() == 2 => {
                (coordinate(&items[0])?, coordinate(&items[1])?)
            }
            _ => return None,
        },
        GeoPointFormat::Object => match serde_json::from_str::<Json>(s).ok()? {
            Json::Object(o) if o.len() == 2 => {
                (coordinate(o.get("lon")?)?, coordinate(o.get("lat")?)?)
            }
            _ => return None,
        },
    };
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

/// A coordinate in a JSON geopoint: a number, a string holding one, or a boolean.
fn coordinate(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => decimal(s),
        Json::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

/// A number as Python's `Decimal` reads it from text: surrounding whitespace, a sign,
/// digits with an optional point (`1.`, `.5`), an optional exponent; underscores anywhere
/// are dropped (`1_000`, even `_1`). Non-finite spellings are refused (they are out of
/// range for a geopoint anyway).
fn decimal(s: &str) -> Option<f64> {
    let t = s.trim();
    let mut buf = [0u8; 64];
    let mut n = 0;
    for &c in t.as_bytes().iter().filter(|&&c| c != b'_') {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    let b = &buf[..n];
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut count = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        count += digits(&mut i);
    }
    if count == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Whether the text is a geojson value of the format.
pub fn is_geojson(format: GeoJsonFormat, s: &str) -> bool {
    let Ok(Json::Object(o)) = serde_json::from_str::<Json>(s) else {
        return false;
    };
    match format {
        GeoJsonFormat::Default => geojson::top(&o),
        GeoJsonFormat::TopoJson => topojson::top(&o),
    }
}

/// A JSON Schema `"type": "number"`: booleans are not numbers.
fn is_number(v: &Json) -> bool {
    v.is_number()
}

/// A JSON Schema (draft 4) `"type": "integer"`: `1.0` is not one.
fn is_integer(v: &Json) -> bool {
    v.as_i64().is_some() || v.as_u64().is_some()
}

/// An array whose items all pass `item`, with at least `min` of them.
fn array_of(v: &Json, min: usize, item: impl Fn(&Json) -> bool) -> bool {
    v.as_array()
        .is_some_and(|a| a.len() >= min && a.iter().all(item))
}

/// A member that, when present, passes `check`.
fn optional(o: &Map<String, Json>, key: &str, check: impl Fn(&Json) -> bool) -> bool {
    o.get(key).is_none_or(check)
}

/// The GeoJSON schema (`assets/profiles/geojson.json` of frictionless-py).
mod geojson {
    use super::{Json, Map, array_of, is_number, optional};

    pub(super) fn top(o: &Map<String, Json>) -> bool {
        let Some(ty) = o.get("type") else {
            return false;
        };
        let kind = match ty.as_str() {
            Some("GeometryCollection") => geometry_collection(o),
            Some("Feature") => feature(o),
            Some("FeatureCollection") => feature_collection(o),
            Some(_) => geometry(o),
            None => false,
        };
        kind && optional(o, "crs", crs) && optional(o, "bbox", |b| array_of(b, 0, is_number))
    }

    /// Exactly two numbers.
    fn position(v: &Json) -> bool {
        v.as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(is_number))
    }

    fn positions(v: &Json, min: usize) -> bool {
        array_of(v, min, position)
    }

    fn polygon(v: &Json) -> bool {
        array_of(v, 0, |ring| positions(ring, 4))
    }

    /// A geometry object: `type` one of the six and `coordinates` of its shape.
    fn geometry(o: &Map<String, Json>) -> bool {
        let (Some(Json::String(ty)), Some(c)) = (o.get("type"), o.get("coordinates")) else {
            return false;
        };
        match ty.as_str() {
            "Point" => position(c),
            "MultiPoint" => positions(c, 0),
            "LineString" => positions(c, 2),
            "MultiLineString" => array_of(c, 0, |l| positions(l, 2)),
            "Polygon" => polygon(c),
            "MultiPolygon" => array_of(c, 0, polygon),
            _ => false,
        }
    }

    fn geometry_value(v: &Json) -> bool {
        v.as_object().is_some_and(geometry)
    }

    fn geometry_collection(o: &Map<String, Json>) -> bool {
        o.get("geometries")
            .is_some_and(|g| array_of(g, 0, geometry_value))
            && optional(o, "type", |t| t == "GeometryCollection")
    }

    /// A feature; its schema says nothing of a value that is not an object.
    fn feature_value(v: &Json) -> bool {
        v.as_object().is_none_or(feature)
    }

    fn feature(o: &Map<String, Json>) -> bool {
        let geometry_ok = o
            .get("geometry")
            .is_some_and(|g| g.is_null() || geometry_value(g));
        let properties_ok = o
            .get("properties")
            .is_some_and(|p| p.is_null() || p.is_object());
        geometry_ok && properties_ok && optional(o, "type", |t| t == "Feature")
    }

    fn feature_collection(o: &Map<String, Json>) -> bool {
        o.get("features")
            .is_some_and(|f| array_of(f, 0, feature_value))
            && optional(o, "type", |t| t == "FeatureCollection")
    }

    /// A coordinate reference system: named or linked, nothing else in it. `null` matches
    /// both of the schema's `oneOf` branches, so it is refused.
    fn crs(v: &Json) -> bool {
        let Some(o) = v.as_object() else {
            return false;
        };
        if o.keys().any(|k| k != "type" && k != "properties") {
            return false;
        }
        let (Some(Json::String(ty)), Some(Json::Object(p))) = (o.get("type"), o.get("properties"))
        else {
            return false;
        };
        match ty.as_str() {
            "name" => p.len() == 1 && p.get("name").is_some_and(Json::is_string),
            "link" => {
                p.get("href").is_some_and(Json::is_string) && optional(p, "type", Json::is_string)
            }
            _ => false,
        }
    }
}

/// The TopoJSON schema (`assets/profiles/topojson.json` of frictionless-py).
mod topojson {
    use super::{Json, Map, array_of, is_integer, is_number, optional};

    pub(super) fn top(o: &Map<String, Json>) -> bool {
        let kind = match o.get("type").map(Json::as_str) {
            Some(Some("Topology")) => topology(o),
            Some(Some(_)) => geometry(o),
            _ => false,
        };
        kind && optional(o, "bbox", bbox)
    }

    /// At least two numbers.
    fn position(v: &Json) -> bool {
        array_of(v, 2, is_number)
    }

    fn bbox(v: &Json) -> bool {
        v.as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(|d| array_of(d, 0, is_number)))
    }

    fn topology(o: &Map<String, Json>) -> bool {
        let objects = o
            .get("objects")
            .and_then(Json::as_object)
            .is_some_and(|objects| objects.values().all(geometry_value));
        let arcs = o.get("arcs").is_some_and(|arcs| {
            array_of(arcs, 0, |arc| {
                array_of(arc, 2, |p| p.is_null() || position(p))
            })
        });
        let transform = optional(o, "transform", |t| {
            t.as_object().is_some_and(|t| {
                t.get("scale").is_some_and(position) && t.get("translate").is_some_and(position)
            })
        });
        objects && arcs && transform && optional(o, "bbox", bbox)
    }

    fn geometry_value(v: &Json) -> bool {
        v.as_object().is_some_and(geometry)
    }

    fn geometry(o: &Map<String, Json>) -> bool {
        let Some(Json::String(ty)) = o.get("type") else {
            return false;
        };
        let ints = |depth: usize| {
            move |v: &Json| -> bool {
                fn nested(v: &Json, depth: usize) -> bool {
                    if depth == 0 {
                        is_integer(v)
                    } else {
                        array_of(v, 0, |x| nested(x, depth - 1))
                    }
                }
                nested(v, depth)
            }
        };
        let shape = match ty.as_str() {
            "Point" => o.get("coordinates").is_some_and(position),
            "MultiPoint" => o
                .get("coordinates")
                .is_some_and(|c| array_of(c, 0, position)),
            "LineString" => o.get("arcs").is_some_and(ints(1)),
            "MultiLineString" | "Polygon" => o.get("arcs").is_some_and(ints(2)),
            "MultiPolygon" => o.get("arcs").is_some_and(ints(3)),
            "GeometryCollection" => o
                .get("geometries")
                .is_some_and(|g| array_of(g, 0, geometry_value)),
            _ => false,
        };
        shape
            && optional(o, "id", |id| id.is_string() || is_integer(id))
            && optional(o, "properties", Json::is_object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What frictionless-py 5.18.1 says of each text (valid or `type-error`).
    #[test]
    fn geopoints_as_frictionless_reads_them() {
        let default = |s: &str| parse_geopoint(GeoPointFormat::Default, s);
        assert_eq!(default("90, 45"), Some((90.0, 45.0)));
        for ok in [
            "90,45",
            " 90 , 45 ",
            "180,90",
            "-180,-90",
            "1e2,1",
            "1_0,1",
            "+1,-1",
            "1.,.5",
            "1 ,2",
            "1__0,1",
            "_1,1",
            "1_,1",
            "1._5,_-1",
            "\u{a0}1,2",
        ] {
            assert!(default(ok).is_some(), "{ok:?}");
        }
        for bad in [
            "180.1,0",
            "0,90.5",
            "NaN,1",
            "Infinity,1",
            "1,2,3",
            "[1,2]",
            "0x1,1",
            "1",
            "",
            ",1",
            "1e,1",
            "1 2,3",
            "_,1",
        ] {
            assert_eq!(default(bad), None, "{bad:?}");
        }
        let array = |s: &str| parse_geopoint(GeoPointFormat::Array, s);
        assert_eq!(array("[90, 45]"), Some((90.0, 45.0)));
        assert_eq!(array(r#"["1.5",2]"#), Some((1.5, 2.0)));
        assert_eq!(array("[true,1]"), Some((1.0, 1.0)));
        for ok in ["[1e2,1]", "[1,2]  "] {
            assert!(array(ok).is_some(), "{ok:?}");
        }
        for bad in [
            "[90,45,1]",
            "[200,1]",
            "[[1],2]",
            "[null,1]",
            "90, 45",
            "[NaN,1]",
        ] {
            assert_eq!(array(bad), None, "{bad:?}");
        }
        let object = |s: &str| parse_geopoint(GeoPointFormat::Object, s);
        assert_eq!(object(r#"{"lat":45,"lon":90}"#), Some((90.0, 45.0)));
        assert_eq!(object(r#"{"lon":"90","lat":"45"}"#), Some((90.0, 45.0)));
        for bad in [
            r#"{"lon":90,"lat":45,"x":1}"#,
            r#"{"lon":200,"lat":1}"#,
            "[1,2]",
            r#"{"lon":1}"#,
            r#"{"lon":1,"x":2}"#,
        ] {
            assert_eq!(object(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn geojson_as_frictionless_reads_it() {
        let ok = [
            r#"{"type":"Point","coordinates":[1,2]}"#,
            r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
            r#"{"type":"Polygon","coordinates":[]}"#,
            r#"{"type":"Feature","geometry":null,"properties":null}"#,
            r#"{"type":"FeatureCollection","features":[5]}"#,
            r#"{"type":"FeatureCollection","features":[{"geometry":null,"properties":{}}]}"#,
            r#"{"type":"Point","coordinates":[1,2],"crs":{"type":"name","properties":{"name":"x"}}}"#,
            r#"{"type":"Point","coordinates":[1.5e3,2]}"#,
            r#"{"type":"MultiPoint","coordinates":[]}"#,
            r#"{"type":"Point","coordinates":[1,2],"extra":1}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{},"bbox":[1]}"#,
            r#"{"type":"Point","coordinates":[1,2],"crs":{"type":"link","properties":{"href":"x"}}}"#,
            r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}"#,
        ];
        for text in ok {
            assert!(is_geojson(GeoJsonFormat::Default, text), "{text}");
        }
        let bad = [
            r#"{"type":"Point","coordinates":[1,2,3]}"#,
            r#"{"type":"Point"}"#,
            r#"{"type":"Foo"}"#,
            "[1]",
            "not json",
            r#"{"type":"Point","coordinates":[1,"2"]}"#,
            r#"{"type":"LineString","coordinates":[[1,2]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#,
            r#"{"type":"Feature","geometry":null}"#,
            r#"{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]},"properties":{}}"#,
            r#"{"type":"FeatureCollection","features":[{}]}"#,
            r#"{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]}"#,
            r#"{"type":"Point","coordinates":[1,2],"crs":null}"#,
            r#"{"type":"Point","coordinates":[1,2],"bbox":[1,"a"]}"#,
            r#"{"type":"Point","coordinates":[true,2]}"#,
            r#"{"type":"Point","coordinates":[1,2],"crs":{"type":"name","properties":{"name":"x","y":1}}}"#,
            r#"{"type":"Point","coordinates":[1,2],"crs":{"type":"other","properties":{}}}"#,
        ];
        for text in bad {
            assert!(!is_geojson(GeoJsonFormat::Default, text), "{text}");
        }
    }

    #[test]
    fn topojson_as_frictionless_reads_it() {
        let ok = [
            r#"{"type":"Topology","objects":{},"arcs":[]}"#,
            r#"{"type":"Topology","objects":{"a":{"type":"LineString","arcs":[0]}},"arcs":[[[0,0],[1,1]]]}"#,
            r#"{"type":"Topology","objects":{},"arcs":[[[0,0],null]]}"#,
            r#"{"type":"Point","coordinates":[1,2,3]}"#,
            r#"{"type":"Topology","objects":{},"arcs":[],"bbox":[[1],[2]]}"#,
        ];
        for text in ok {
            assert!(is_geojson(GeoJsonFormat::TopoJson, text), "{text}");
        }
        let bad = [
            r#"{"type":"Topology","objects":{},"arcs":[[[0,0]]]}"#,
            r#"{"type":"Topology","objects":{"a":{"type":"LineString","arcs":[0.5]}},"arcs":[]}"#,
            r#"{"type":"Topology","objects":{"a":{"type":"LineString","arcs":[1.0]}},"arcs":[]}"#,
            r#"{"type":"Point","coordinates":[1]}"#,
            r#"{"type":"Point"}"#,
            r#"{"type":"Topology","objects":{},"arcs":[],"bbox":[1,2]}"#,
            r#"{"type":"Topology","objects":{},"arcs":[],"transform":{"scale":[1,1]}}"#,
            r#"{"type":"Point","coordinates":[1,2],"id":1.5}"#,
            r#"{"type":"Point","coordinates":[1,2],"id":"x","properties":[]}"#,
            r#"{"type":"LineString"}"#,
            r#"{"type":"Topology","objects":[],"arcs":[]}"#,
            r#"{"type":"Feature"}"#,
        ];
        for text in bad {
            assert!(!is_geojson(GeoJsonFormat::TopoJson, text), "{text}");
        }
    }
}
