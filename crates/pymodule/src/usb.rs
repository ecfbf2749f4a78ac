//! `belay.UsbSpecifier` and `belay.list_devices()`.

use belay_transport::{PORT_COLUMNS, Property, TransportError, UsbSpecifier, list_usb_ports};
use rustpython_vm::builtins::{PyDict, PyStr, PyType};
use rustpython_vm::function::{FuncArgs, KwArgs};
use rustpython_vm::types::{Comparable, Constructor, PyComparisonOp, Representable};
use rustpython_vm::{Py, PyObject, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::errors::transport_error;

#[pyclass(module = "belay", name = "UsbSpecifier")]
#[derive(Debug, PyPayload)]
pub struct PyUsbSpecifier(pub UsbSpecifier);

impl PyUsbSpecifier {
    /// JSON without `device`, as `BELAY_DEVICE` holds it.
    pub fn json(&self) -> String {
        match &self.0.device {
            // A specifier with a device path selects exactly that path.
            Some(d) => d.clone(),
            None => self.0.to_json(),
        }
    }

    /// The property `name` as a Python value (None when unknown).
    fn field(&self, name: &str, vm: &VirtualMachine) -> PyObjectRef {
        match self.0.property(name) {
            Some(Property::Id(Some(v))) => vm.ctx.new_int(v).into(),
            Some(Property::Text(Some(v))) => vm.ctx.new_str(v).into(),
            _ => vm.ctx.none(),
        }
    }

    /// The properties a specifier matches on (all but `device`), in their order.
    fn matched_fields() -> impl Iterator<Item = &'static str> {
        PORT_COLUMNS.into_iter().filter(|c| *c != "device")
    }
}

impl Constructor for PyUsbSpecifier {
    type Args = FuncArgs;

    fn py_new(_cls: &Py<PyType>, args: FuncArgs, vm: &VirtualMachine) -> PyResult<Self> {
        if !args.args.is_empty() {
            return Err(vm.new_type_error("UsbSpecifier() takes keyword arguments only"));
        }
        let mut spec = UsbSpecifier::default();
        for (key, value) in args.kwargs {
            let key = key.to_string();
            let Some(kind) = spec.property(&key) else {
                return Err(vm.new_type_error(format!(
                    "UsbSpecifier() got an unexpected keyword argument '{key}'"
                )));
            };
            if vm.is_none(&value) {
                continue;
            }
            let given = match kind {
                Property::Id(_) => Property::Id(Some(value.try_to_value(vm)?)),
                Property::Text(_) => Property::Text(Some(
                    value
                        .downcast_ref::<PyStr>()
                        .ok_or_else(|| {
                            vm.new_type_error(format!("UsbSpecifier {key} must be a str"))
                        })?
                        .to_string(),
                )),
            };
            spec.set_property(&key, given);
        }
        Ok(PyUsbSpecifier(spec))
    }
}

#[pyclass(with(Constructor, Representable, Comparable))]
impl PyUsbSpecifier {
    /// The port path this specifier selects (`DeviceNotFoundError`, `InsufficientSpecifierError`).
    #[pymethod]
    fn to_port(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        zelf.0
            .select(&list_usb_ports())
            .map_err(|e| transport_error(vm, TransportError::Usb(e)))
    }

    /// The JSON form, as `BELAY_DEVICE` holds it (without `device`).
    #[pymethod]
    fn model_dump_json(zelf: &Py<Self>) -> String {
        zelf.0.to_json()
    }

    /// Parse the JSON form.
    #[pyclassmethod]
    fn model_validate_json(
        _cls: PyObjectRef,
        text: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<Self> {
        let text = text.str(vm)?.to_string();
        UsbSpecifier::from_json(&text)
            .map(PyUsbSpecifier)
            .map_err(|e| vm.new_value_error(e))
    }

    /// pydantic's `model_validate`: a specifier from a dict of its fields (or another one).
    #[pyclassmethod]
    fn model_validate(cls: PyObjectRef, obj: PyObjectRef, vm: &VirtualMachine) -> PyResult {
        if obj.downcast_ref::<PyUsbSpecifier>().is_some() {
            return Ok(obj);
        }
        let dict = obj
            .downcast::<PyDict>()
            .map_err(|_| vm.new_type_error("UsbSpecifier.model_validate takes a dict"))?;
        let kwargs = dict
            .items_vec()
            .into_iter()
            .map(|(k, v)| {
                let key = k
                    .downcast::<PyStr>()
                    .map_err(|_| vm.new_type_error("UsbSpecifier fields are named by str keys"))?;
                Ok((key.to_string(), v))
            })
            .collect::<PyResult<KwArgs>>()?;
        cls.call(FuncArgs::new(Vec::new(), kwargs), vm)
    }

    /// The fields as a dict (None for missing ones), like pydantic's `model_dump()`.
    #[pymethod]
    fn model_dump(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        let d = vm.ctx.new_dict();
        for k in Self::matched_fields() {
            d.set_item(k, zelf.field(k, vm), vm)?;
        }
        Ok(d.into())
    }

    #[pygetset]
    fn vid(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("vid", vm)
    }
    #[pygetset]
    fn pid(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("pid", vm)
    }
    #[pygetset]
    fn serial_number(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("serial_number", vm)
    }
    #[pygetset]
    fn manufacturer(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("manufacturer", vm)
    }
    #[pygetset]
    fn product(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("product", vm)
    }
    #[pygetset]
    fn location(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("location", vm)
    }
    #[pygetset]
    fn device(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.field("device", vm)
    }
}

impl Representable for PyUsbSpecifier {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let mut parts = Vec::new();
        for k in Self::matched_fields() {
            let v = zelf.field(k, vm);
            if !vm.is_none(&v) {
                parts.push(format!("{k}={}", v.repr(vm)?));
            }
        }
        Ok(format!("UsbSpecifier({})", parts.join(", ")))
    }
}

impl Comparable for PyUsbSpecifier {
    fn cmp(
        zelf: &Py<Self>,
        other: &PyObject,
        op: PyComparisonOp,
        _vm: &VirtualMachine,
    ) -> PyResult<rustpython_vm::function::PyComparisonValue> {
        op.eq_only(|| {
            let Some(other) = other.downcast_ref::<PyUsbSpecifier>() else {
                return Ok(rustpython_vm::function::PyComparisonValue::NotImplemented);
            };
            Ok((zelf.0 == other.0).into())
        })
    }
}

/// `belay.list_devices()`: the USB serial ports, as specifiers with `device` set.
pub fn list_devices(vm: &VirtualMachine) -> PyObjectRef {
    let items = list_usb_ports()
        .iter()
        .map(|p| {
            PyUsbSpecifier(UsbSpecifier::of_port(p))
                .into_ref(&vm.ctx)
                .into()
        })
        .collect();
    vm.ctx.new_list(items).into()
}
