//! Just enough of Python's pickle to read what `torch.save` writes for a state_dict.
//!
//! Nothing is executed: classes and functions stay names ([`Value::Global`]); the three
//! callables a state_dict needs are interpreted as they are met (`collections.OrderedDict`
//! becomes a [`Value::Dict`], `torch._utils._rebuild_tensor_v2` / `_rebuild_parameter` become a
//! [`Value::Tensor`]) and any other call becomes an inert [`Value::Object`], which is how a whole
//! pickled model shows itself. Containers are reference-counted so that memo references cost
//! nothing (a pickle cannot blow up memory by repeating them), and nesting is capped so that a
//! hostile file cannot overflow the stack.

use std::collections::HashMap;
use std::rc::Rc;

/// Deepest nesting of containers accepted; a state_dict needs 4.
const MAX_DEPTH: u32 = 64;

/// A pickled value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Rc<Vec<Value>>),
    List(Rc<Vec<Value>>),
    /// Insertion-ordered, like Python's dict.
    Dict(Rc<Vec<(Value, Value)>>),
    /// A class or function named by `GLOBAL`/`STACK_GLOBAL`: `module.name`.
    Global(Rc<str>),
    /// The result of calling a global other than the ones understood here.
    Object(Rc<str>),
    /// A storage named by a persistent id: `('storage', torch.XStorage, key, location, numel)`.
    Storage(Rc<StorageRef>),
    /// A tensor rebuilt from a storage.
    Tensor(Rc<TensorRef>),
}

/// Where a tensor's bytes are: `data/<key>` in the archive, `numel` elements of `storage_type`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StorageRef {
    pub storage_type: String,
    pub key: String,
    pub numel: i64,
}

/// A view into a storage, as `_rebuild_tensor_v2` receives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TensorRef {
    pub storage: StorageRef,
    pub offset: i64,
    pub size: Vec<i64>,
    pub stride: Vec<i64>,
}

impl Value {
    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::Bytes(_) => "bytes".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::List(_) => "list".into(),
            Value::Dict(_) => "dict".into(),
            Value::Global(g) => format!("class {g}"),
            Value::Object(c) => format!("object of class {c}"),
            Value::Storage(_) => "storage".into(),
            Value::Tensor(_) => "tensor".into(),
        }
    }
}

/// Why a pickle could not be read; `offset` is the byte position of the opcode.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PickleError {
    pub offset: usize,
    pub reason: String,
}

#[derive(Clone)]
struct Entry {
    value: Value,
    depth: u32,
}

struct Machine<'a> {
    data: &'a [u8],
    pos: usize,
    op_pos: usize,
    stack: Vec<Entry>,
    marks: Vec<usize>,
    memo: HashMap<u32, Entry>,
}

/// Runs the pickle in `data` and returns the value `STOP` leaves on the stack.
pub(crate) fn load(data: &[u8]) -> Result<Value, PickleError> {
    let mut m = Machine {
        data,
        pos: 0,
        op_pos: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: HashMap::new(),
    };
    m.run()
}

fn leaf(value: Value) -> Entry {
    Entry { value, depth: 0 }
}

impl<'a> Machine<'a> {
    fn err<T>(&self, reason: impl Into<String>) -> Result<T, PickleError> {
        Err(PickleError {
            offset: self.op_pos,
            reason: reason.into(),
        })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], PickleError> {
        if self.data.len() - self.pos < n {
            return self.err(format!(
                "truncated: {n} bytes wanted, {} left",
                self.data.len() - self.pos
            ));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, PickleError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, PickleError> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }

    fn u32(&mut self) -> Result<u32, PickleError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, PickleError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn line(&mut self) -> Result<&'a str, PickleError> {
        let rest = &self.data[self.pos..];
        let Some(n) = rest.iter().position(|&b| b == b'\n') else {
            return self.err("unterminated text argument");
        };
        self.pos += n + 1;
        match std::str::from_utf8(&rest[..n]) {
            Ok(s) => Ok(s),
            Err(_) => self.err("text argument is not UTF-8"),
        }
    }

    fn utf8(&mut self, n: usize) -> Result<Rc<str>, PickleError> {
        let bytes = self.take(n)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.into()),
            Err(_) => self.err("string is not UTF-8"),
        }
    }

    fn push(&mut self, value: Value) {
        self.stack.push(leaf(value));
    }

    fn pop(&mut self) -> Result<Entry, PickleError> {
        // Like CPython, never pop below the innermost mark.
        if self.stack.len() <= self.marks.last().copied().unwrap_or(0) {
            return self.err("stack underflow");
        }
        Ok(self.stack.pop().expect("checked non-empty"))
    }

    fn top_mut(&mut self) -> Result<&mut Entry, PickleError> {
        let op_pos = self.op_pos;
        self.stack.last_mut().ok_or(PickleError {
            offset: op_pos,
            reason: "stack underflow".into(),
        })
    }

    fn pop_mark(&mut self) -> Result<Vec<Entry>, PickleError> {
        let Some(mark) = self.marks.pop() else {
            return self.err("no mark on the stack");
        };
        if mark > self.stack.len() {
            return self.err("mark above the stack top");
        }
        Ok(self.stack.split_off(mark))
    }

    fn container(&self, value: Value, children: &[Entry]) -> Result<Entry, PickleError> {
        let depth = 1 + children.iter().map(|e| e.depth).max().unwrap_or(0);
        if depth > MAX_DEPTH {
            return self.err(format!("containers nested deeper than {MAX_DEPTH}"));
        }
        Ok(Entry { value, depth })
    }

    fn tuple(&self, items: Vec<Entry>) -> Result<Entry, PickleError> {
        let values = items.iter().map(|e| e.value.clone()).collect();
        self.container(Value::Tuple(Rc::new(values)), &items)
    }

    fn memo_get(&mut self, key: u32) -> Result<(), PickleError> {
        match self.memo.get(&key) {
            Some(e) => {
                let e = e.clone();
                self.stack.push(e);
                Ok(())
            }
            None => self.err(format!("memo key {key} is not defined")),
        }
    }

    fn memo_put(&mut self, key: u32) -> Result<(), PickleError> {
        let top = self.top_mut()?.clone();
        self.memo.insert(key, top);
        Ok(())
    }

    /// Adds `items` (key, value, key, value, ...) to the dict on top of the stack.
    fn set_items(&mut self, items: Vec<Entry>) -> Result<(), PickleError> {
        if items.len() % 2 != 0 {
            return self.err("odd number of items for SETITEMS");
        }
        let op_pos = self.op_pos;
        let top = self.top_mut()?;
        let depth = 1 + items.iter().map(|e| e.depth).max().unwrap_or(0);
        let Value::Dict(dict) = &mut top.value else {
            let found = top.value.type_name();
            return Err(PickleError {
                offset: op_pos,
                reason: format!("SETITEM on a {found}, not a dict"),
            });
        };
        if depth.max(top.depth) > MAX_DEPTH {
            return self.err(format!("containers nested deeper than {MAX_DEPTH}"));
        }
        top.depth = top.depth.max(depth);
        let dict = Rc::make_mut(dict);
        let mut it = items.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            if let Some(slot) = dict.iter_mut().find(|(key, _)| *key == k.value) {
                slot.1 = v.value;
            } else {
                dict.push((k.value, v.value));
            }
        }
        Ok(())
    }

    fn append_items(&mut self, items: Vec<Entry>) -> Result<(), PickleError> {
        let op_pos = self.op_pos;
        let top = self.top_mut()?;
        let depth = 1 + items.iter().map(|e| e.depth).max().unwrap_or(0);
        let Value::List(list) = &mut top.value else {
            let found = top.value.type_name();
            return Err(PickleError {
                offset: op_pos,
                reason: format!("APPEND on a {found}, not a list"),
            });
        };
        if depth.max(top.depth) > MAX_DEPTH {
            return self.err(format!("containers nested deeper than {MAX_DEPTH}"));
        }
        top.depth = top.depth.max(depth);
        Rc::make_mut(list).extend(items.into_iter().map(|e| e.value));
        Ok(())
    }

    /// `callable(*args)` for the callables a state_dict uses; anything else stays inert.
    fn call(&self, callable: &Value, args: Entry) -> Result<Entry, PickleError> {
        let Value::Global(name) = callable else {
            return self.err(format!(
                "call of a {}, not of a class or function",
                callable.type_name()
            ));
        };
        let Value::Tuple(argv) = &args.value else {
            return self.err(format!(
                "arguments of {name} are a {}, not a tuple",
                args.value.type_name()
            ));
        };
        match &**name {
            "collections.OrderedDict" | "builtins.dict" if argv.is_empty() => {
                Ok(leaf(Value::Dict(Rc::new(Vec::new()))))
            }
            "torch._utils._rebuild_tensor_v2" | "torch._utils._rebuild_tensor" => {
                Ok(leaf(Value::Tensor(Rc::new(self.rebuild_tensor(argv)?))))
            }
            "torch._utils._rebuild_parameter" | "torch._utils._rebuild_parameter_with_state" => {
                match argv.first() {
                    Some(t @ Value::Tensor(_)) => Ok(leaf(t.clone())),
                    _ => self.err(format!("{name} without a tensor as first argument")),
                }
            }
            _ => Ok(leaf(Value::Object(name.clone()))),
        }
    }

    fn rebuild_tensor(&self, argv: &[Value]) -> Result<TensorRef, PickleError> {
        let (
            Some(Value::Storage(storage)),
            Some(Value::Int(offset)),
            Some(Value::Tuple(size)),
            Some(Value::Tuple(stride)),
        ) = (argv.first(), argv.get(1), argv.get(2), argv.get(3))
        else {
            return self
                .err("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)");
        };
        let ints = |t: &[Value], what: &str| -> Result<Vec<i64>, PickleError> {
            t.iter()
                .map(|v| match v {
                    Value::Int(i) => Ok(*i),
                    other => self.err(format!("tensor {what} holds a {}", other.type_name())),
                })
                .collect()
        };
        Ok(TensorRef {
            storage: (**storage).clone(),
            offset: *offset,
            size: ints(size, "size")?,
            stride: ints(stride, "stride")?,
        })
    }

    fn persistent_load(&self, pid: &Value) -> Result<Value, PickleError> {
        let Value::Tuple(t) = pid else {
            return self.err(format!(
                "persistent id is a {}, not a tuple",
                pid.type_name()
            ));
        };
        match &t[..] {
            [Value::Str(kind), Value::Global(storage_type), Value::Str(key), _location, Value::Int(numel)]
                if &**kind == "storage" =>
            {
                Ok(Value::Storage(Rc::new(StorageRef {
                    storage_type: storage_type.to_string(),
                    key: key.to_string(),
                    numel: *numel,
                })))
            }
            _ => self.err("persistent id is not ('storage', type, key, location, numel)"),
        }
    }

    fn run(&mut self) -> Result<Value, PickleError> {
        loop {
            self.op_pos = self.pos;
            let op = self.u8()?;
            match op {
                0x80 => {
                    // PROTO
                    let v = self.u8()?;
                    if v > 5 {
                        return self.err(format!("pickle protocol {v} is not supported"));
                    }
                }
                0x95 => {
                    // FRAME: a length hint only.
                    self.u64()?;
                }
                b'.' => {
                    // STOP
                    let top = self.pop()?;
                    return Ok(top.value);
                }
                b'(' => self.marks.push(self.stack.len()),
                b'0' => {
                    self.pop()?;
                }
                b'1' => {
                    self.pop_mark()?;
                }
                b'2' => {
                    let top = self.top_mut()?.clone();
                    self.stack.push(top);
                }
                b'N' => self.push(Value::None),
                0x88 => self.push(Value::Bool(true)),
                0x89 => self.push(Value::Bool(false)),
                b'J' => {
                    let v = self.u32()? as i32;
                    self.push(Value::Int(v.into()));
                }
                b'K' => {
                    let v = self.u8()?;
                    self.push(Value::Int(v.into()));
                }
                b'M' => {
                    let v = self.u16()?;
                    self.push(Value::Int(v.into()));
                }
                0x8a => {
                    // LONG1: little-endian two's complement of n bytes.
                    let n = self.u8()? as usize;
                    let bytes = self.take(n)?;
                    if n > 8 {
                        return self.err(format!("integer of {n} bytes does not fit 64 bits"));
                    }
                    let mut v: i64 = 0;
                    for (i, &b) in bytes.iter().enumerate() {
                        v |= (b as i64) << (8 * i);
                    }
                    if n > 0 && n < 8 && bytes[n - 1] & 0x80 != 0 {
                        v -= 1i64 << (8 * n);
                    }
                    self.push(Value::Int(v));
                }
                b'G' => {
                    let v = f64::from_be_bytes(self.take(8)?.try_into().expect("8 bytes"));
                    self.push(Value::Float(v));
                }
                b'X' => {
                    let n = self.u32()? as usize;
                    let s = self.utf8(n)?;
                    self.push(Value::Str(s));
                }
                0x8c => {
                    let n = self.u8()? as usize;
                    let s = self.utf8(n)?;
                    self.push(Value::Str(s));
                }
                0x8d => {
                    let n = self.u64()?;
                    let n = usize::try_from(n).unwrap_or(usize::MAX);
                    let s = self.utf8(n)?;
                    self.push(Value::Str(s));
                }
                b'T' | b'B' => {
                    // BINSTRING / BINBYTES: 4-byte length.
                    let n = self.u32()? as usize;
                    let b = self.take(n)?;
                    self.push(Value::Bytes(b.into()));
                }
                b'U' | b'C' => {
                    let n = self.u8()? as usize;
                    let b = self.take(n)?;
                    self.push(Value::Bytes(b.into()));
                }
                b')' => self.push(Value::Tuple(Rc::new(Vec::new()))),
                b']' => self.push(Value::List(Rc::new(Vec::new()))),
                b'}' => self.push(Value::Dict(Rc::new(Vec::new()))),
                b't' => {
                    let items = self.pop_mark()?;
                    let e = self.tuple(items)?;
                    self.stack.push(e);
                }
                0x85..=0x87 => {
                    let n = (op - 0x84) as usize;
                    if self.stack.len() < n {
                        return self.err("stack underflow");
                    }
                    let items = self.stack.split_off(self.stack.len() - n);
                    let e = self.tuple(items)?;
                    self.stack.push(e);
                }
                b'l' => {
                    let items = self.pop_mark()?;
                    let values = items.iter().map(|e| e.value.clone()).collect();
                    let e = self.container(Value::List(Rc::new(values)), &items)?;
                    self.stack.push(e);
                }
                b'd' => {
                    let items = self.pop_mark()?;
                    self.push(Value::Dict(Rc::new(Vec::new())));
                    self.set_items(items)?;
                }
                b'a' => {
                    let v = self.pop()?;
                    self.append_items(vec![v])?;
                }
                b'e' => {
                    let items = self.pop_mark()?;
                    self.append_items(items)?;
                }
                b's' => {
                    let v = self.pop()?;
                    let k = self.pop()?;
                    self.set_items(vec![k, v])?;
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    self.set_items(items)?;
                }
                b'q' => {
                    let k = self.u8()?;
                    self.memo_put(k.into())?;
                }
                b'r' => {
                    let k = self.u32()?;
                    self.memo_put(k)?;
                }
                0x94 => {
                    // MEMOIZE
                    let k = self.memo.len() as u32;
                    self.memo_put(k)?;
                }
                b'h' => {
                    let k = self.u8()?;
                    self.memo_get(k.into())?;
                }
                b'j' => {
                    let k = self.u32()?;
                    self.memo_get(k)?;
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.push(Value::Global(format!("{module}.{name}").into()));
                }
                0x93 => {
                    // STACK_GLOBAL
                    let name = self.pop()?.value;
                    let module = self.pop()?.value;
                    let (Value::Str(module), Value::Str(name)) = (module, name) else {
                        return self.err("STACK_GLOBAL needs two strings");
                    };
                    self.push(Value::Global(format!("{module}.{name}").into()));
                }
                b'Q' => {
                    let pid = self.pop()?;
                    let v = self.persistent_load(&pid.value)?;
                    self.push(v);
                }
                b'R' => {
                    let args = self.pop()?;
                    let callable = self.pop()?;
                    let e = self.call(&callable.value, args)?;
                    self.stack.push(e);
                }
                0x81 => {
                    // NEWOBJ: cls.__new__(cls, *args)
                    let args = self.pop()?;
                    let cls = self.pop()?;
                    let e = self.call(&cls.value, args)?;
                    self.stack.push(e);
                }
                0x92 => {
                    // NEWOBJ_EX: kwargs are dropped, the class is what matters.
                    self.pop()?;
                    let args = self.pop()?;
                    let cls = self.pop()?;
                    let e = self.call(&cls.value, args)?;
                    self.stack.push(e);
                }
                b'b' => {
                    // BUILD: the state of an OrderedDict (`_metadata`) or of an object is not
                    // needed, the object stays what it was.
                    self.pop()?;
                    self.top_mut()?;
                }
                _ => return self.err(format!("opcode 0x{op:02x} is not supported")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_and_containers() {
        // pickle.dumps({'a': (1, -2, 300, 70000), 'b': [None, True]}, protocol=2)
        let data = b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01(K\x01J\xfe\xff\xff\xffM,\x01J\x70\x11\x01\x00tq\x02X\x01\x00\x00\x00bq\x03]q\x04(N\x88eu.";
        let v = load(data).unwrap();
        let Value::Dict(d) = v else {
            panic!("not a dict: {v:?}")
        };
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].0, Value::Str("a".into()));
        assert_eq!(
            d[0].1,
            Value::Tuple(Rc::new(vec![
                Value::Int(1),
                Value::Int(-2),
                Value::Int(300),
                Value::Int(70000)
            ]))
        );
        assert_eq!(
            d[1].1,
            Value::List(Rc::new(vec![Value::None, Value::Bool(true)]))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut data = b"\x80\x02N".to_vec();
        data.extend(std::iter::repeat_n(0x85u8, 10_000));
        data.push(b'.');
        let e = load(&data).unwrap_err();
        assert!(e.reason.contains("nested deeper"), "{e:?}");
    }

    #[test]
    fn memo_doubling_stays_small() {
        // x = (); 200 times: x = (x, x). Shared, so linear in memory.
        let mut data = b"\x80\x02)q\x00".to_vec();
        for _ in 0..40 {
            data.extend_from_slice(b"h\x00h\x00\x86q\x00");
        }
        data.push(b'.');
        assert!(load(&data).is_ok());
    }

    #[test]
    fn truncation_is_an_error() {
        let data = b"\x80\x02X\x05\x00\x00\x00ab";
        let e = load(data).unwrap_err();
        assert!(e.reason.contains("truncated"), "{e:?}");
        assert!(load(b"").is_err());
        assert!(load(b"\x80\x02").is_err());
    }
}
