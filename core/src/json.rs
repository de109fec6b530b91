//! JSON text read into a [`serde_json::Value`] strictly, for documents that carry policy
//! (the schema and its `gdpr` objects).
//!
//! `serde_json` keeps the last of two equal keys in an object and says nothing, so a second
//! `"fields"`, `"action"` or `"gdpr"` written further down would silently replace the one a
//! reviewer read. Here a key written twice in one object is an error naming the key, and
//! the numbers of values and of objects in the document are bounded (an object costs a
//! tree node of some 600 bytes however few keys it has), so that the tree built from a
//! text of a few MiB stays a few tens of MiB whatever its shape.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why strict reading stopped, besides the JSON being malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A key written twice in one object.
    DuplicateKey(String),
    /// More values (strings, numbers, arrays, objects...) than the limit.
    TooManyValues(usize),
    /// More objects than the limit.
    TooManyObjects(usize),
}

/// The most a document may hold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Values of any kind, objects and arrays included.
    pub values: usize,
    /// Objects.
    pub objects: usize,
}

/// What went wrong: the JSON error, with its line and column, and the refusal when it is
/// one of ours.
#[derive(Debug)]
pub(crate) struct Error {
    pub json: serde_json::Error,
    pub refusal: Option<Refusal>,
}

/// Reads `text` as one JSON value within `limits`.
pub(crate) fn parse(text: &str, limits: Limits) -> Result<Value, Error> {
    let mut state = State {
        values: 0,
        objects: 0,
        limits,
        refusal: None,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict { state: &mut state }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    value.map_err(|json| Error {
        json,
        refusal: state.refusal,
    })
}

struct State {
    values: usize,
    objects: usize,
    limits: Limits,
    refusal: Option<Refusal>,
}

impl State {
    /// Counts one more value; refuses past the limit.
    fn count<E: de::Error>(&mut self) -> Result<(), E> {
        self.values += 1;
        if self.values > self.limits.values {
            return Err(self.refuse(Refusal::TooManyValues(self.limits.values)));
        }
        Ok(())
    }

    /// Counts one more object (and value); refuses past the limits.
    fn count_object<E: de::Error>(&mut self) -> Result<(), E> {
        self.count()?;
        self.objects += 1;
        if self.objects > self.limits.objects {
            return Err(self.refuse(Refusal::TooManyObjects(self.limits.objects)));
        }
        Ok(())
    }

    fn refuse<E: de::Error>(&mut self, refusal: Refusal) -> E {
        let message = match &refusal {
            Refusal::DuplicateKey(key) => format!("duplicate key {key:?}"),
            Refusal::TooManyValues(n) => format!("more than {n} values"),
            Refusal::TooManyObjects(n) => format!("more than {n} objects"),
        };
        self.refusal = Some(refusal);
        E::custom(message)
    }
}

/// One value, read with the shared state.
struct Strict<'a> {
    state: &'a mut State,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.state.count()?;
        // JSON has no NaN or infinity, so this is always a number.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.state.count()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict {
            state: &mut *self.state,
        })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.state.count_object()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(self.state.refuse(Refusal::DuplicateKey(key)));
            }
            let value = map.next_value_seed(Strict {
                state: &mut *self.state,
            })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(values: usize, objects: usize) -> Limits {
        Limits { values, objects }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, -2, 2.5, "x", true, null, {"b": {}}], "c": 18446744073709551615}"#;
        let strict = parse(text, limits(100, 100)).expect("valid");
        let loose: Value = serde_json::from_str(text).expect("valid");
        assert_eq!(strict, loose);
    }

    #[test]
    fn a_key_written_twice_is_refused_at_its_line() {
        let err = parse(
            "{\"fields\": [],\n \"x\": 1,\n \"fields\": [1]}",
            limits(100, 100),
        )
        .unwrap_err();
        assert_eq!(err.refusal, Some(Refusal::DuplicateKey("fields".into())));
        assert_eq!(err.json.line(), 3);
        let nested = parse(
            r#"{"a": [{"gdpr": {"action": "keep", "action": "drop"}}]}"#,
            limits(100, 100),
        )
        .unwrap_err();
        assert_eq!(nested.refusal, Some(Refusal::DuplicateKey("action".into())));
        // The same key in two different objects is fine.
        assert!(parse(r#"[{"a": 1}, {"a": 2}]"#, limits(100, 100)).is_ok());
    }

    #[test]
    fn values_are_counted_and_bounded() {
        assert!(parse("[1, 2, 3]", limits(4, 0)).is_ok());
        let err = parse("[1, 2, 3, 4]", limits(4, 0)).unwrap_err();
        assert_eq!(err.refusal, Some(Refusal::TooManyValues(4)));
        assert!(parse("[{}, {}]", limits(100, 2)).is_ok());
        let err = parse("[{}, {}, {}]", limits(100, 2)).unwrap_err();
        assert_eq!(err.refusal, Some(Refusal::TooManyObjects(2)));
        let err = parse("[1, 2", limits(100, 100)).unwrap_err();
        assert_eq!(err.refusal, None, "malformed JSON is serde_json's error");
        assert!(
            parse("[1] x", limits(100, 100)).is_err(),
            "trailing characters"
        );
    }
}
