//! The last clean value of a field, reused when the next row repeats it.
//!
//! Exports repeat a cell from one row to the next (the timestamp in a time-by-time file, a
//! meter's id in a meter-by-meter one, a tariff), and a repeat needs neither parsing nor
//! checking again. But a field that rarely repeats (a reading, an e-mail address) would pay
//! a comparison and a copy on every row for nothing, so the cache watches its own hit rate
//! and turns itself off for such a field. It only ever skips work: a value it returns is
//! the one parsing and checking the same text gave, so findings never depend on it.

use crate::value::Value;

/// Lookups between two looks at the hit rate.
const PERIOD: u32 = 1024;

/// Below one hit in four lookups, comparing costs more than it saves.
const MIN_HITS: u32 = PERIOD / 4;

#[derive(Debug, Default)]
pub(super) struct RepeatCache {
    last: Option<(String, Value)>,
    lookups: u32,
    hits: u32,
    off: bool,
}

impl RepeatCache {
    /// The value of `text` when it is the last clean text seen.
    pub(super) fn get(&mut self, text: &str) -> Option<Value> {
        if self.off {
            return None;
        }
        let (last, value) = self.last.as_ref()?;
        let hit = last == text;
        let value = *value;
        self.lookups += 1;
        self.hits += u32::from(hit);
        if self.lookups == PERIOD {
            if self.hits < MIN_HITS {
                self.off = true;
                self.last = None;
            }
            self.lookups = 0;
            self.hits = 0;
        }
        hit.then_some(value)
    }

    /// `text` parsed to `value` and met every constraint.
    pub(super) fn put(&mut self, text: &str, value: Value) {
        if self.off {
            return;
        }
        match &mut self.last {
            Some((last, v)) => {
                last.clear();
                last.push_str(text);
                *v = value;
            }
            None => self.last = Some((text.to_owned(), value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_value_of_a_repeated_text_only() {
        let mut cache = RepeatCache::default();
        assert_eq!(cache.get("1.5"), None);
        cache.put("1.5", Value::Number(1.5));
        assert_eq!(cache.get("1.5"), Some(Value::Number(1.5)));
        assert_eq!(cache.get("1.50"), None);
        cache.put("2", Value::Number(2.0));
        assert_eq!(cache.get("1.5"), None);
        assert_eq!(cache.get("2"), Some(Value::Number(2.0)));
    }

    #[test]
    fn turns_itself_off_for_a_field_that_rarely_repeats() {
        let mut cache = RepeatCache::default();
        // The first row has nothing to compare with: PERIOD lookups take PERIOD + 1 rows.
        for i in 0..=PERIOD {
            let text = i.to_string();
            assert_eq!(cache.get(&text), None);
            cache.put(&text, Value::Integer(i64::from(i)));
        }
        assert!(cache.off);
        cache.put("7", Value::Integer(7));
        assert_eq!(cache.get("7"), None, "off for good");
    }

    #[test]
    fn stays_on_while_repeats_pay() {
        let mut cache = RepeatCache::default();
        // One new value every other row: half the lookups hit.
        for i in 0..4 * PERIOD {
            let text = (i / 2).to_string();
            if cache.get(&text).is_none() {
                cache.put(&text, Value::Integer(i64::from(i / 2)));
            }
        }
        assert!(!cache.off);
        assert_eq!(
            cache.get(&(2 * PERIOD - 1).to_string()),
            Some(Value::Integer(2047))
        );
    }
}
