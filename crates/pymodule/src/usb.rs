//! `belay.UsbSpecifier` and `belay.list_devices()`.

use belay_transport::TransportError;
use belay_transport::usb::{UsbPort, UsbSpecifier, list_usb_ports};
use rustpython_vm::builtins::{PyStr, PyType};
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Comparable, Constructor, PyComparisonOp, Representable};
use rustpython_vm::{Py, PyObject, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use crate::session::transport_error;

const FIELDS: [&str; 7] = [
    "vid",
    "pid",
    "serial_number",
    "manufacturer",
    "product",
    "location",
    "device",
];

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

    fn from_port(p: UsbPort) -> Self {
        PyUsbSpecifier(UsbSpecifier {
            vid: p.vid,
            pid: p.pid,
            serial_number: p.serial_number,
            manufacturer: p.manufacturer,
            product: p.product,
            location: p.location,
            device: Some(p.device),
        })
    }

    fn fields(&self, vm: &VirtualMachine) -> Vec<(&'static str, PyObjectRef)> {
        let s = &self.0;
        let id = |v: Option<u16>| v.map_or_else(|| vm.ctx.none(), |v| vm.ctx.new_int(v).into());
        let text = |v: &Option<String>| {
            v.as_ref()
                .map_or_else(|| vm.ctx.none(), |v| vm.ctx.new_str(v.as_str()).into())
        };
        vec![
            ("vid", id(s.vid)),
            ("pid", id(s.pid)),
            ("serial_number", text(&s.serial_number)),
            ("manufacturer", text(&s.manufacturer)),
            ("product", text(&s.product)),
            ("location", text(&s.location)),
            ("device", text(&s.device)),
        ]
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
            if vm.is_none(&value) {
                if !FIELDS.contains(&key.as_str()) {
                    return Err(vm.new_type_error(format!(
                        "UsbSpecifier() got an unexpected keyword argument '{key}'"
                    )));
                }
                continue;
            }
            let text = || -> PyResult<String> {
                Ok(value
                    .downcast_ref::<PyStr>()
                    .ok_or_else(|| vm.new_type_error(format!("UsbSpecifier {key} must be a str")))?
                    .to_string())
            };
            match key.as_str() {
                "vid" => spec.vid = Some(value.try_to_value(vm)?),
                "pid" => spec.pid = Some(value.try_to_value(vm)?),
                "serial_number" => spec.serial_number = Some(text()?),
                "manufacturer" => spec.manufacturer = Some(text()?),
                "product" => spec.product = Some(text()?),
                "location" => spec.location = Some(text()?),
                "device" => spec.device = Some(text()?),
                _ => {
                    return Err(vm.new_type_error(format!(
                        "UsbSpecifier() got an unexpected keyword argument '{key}'"
                    )));
                }
            }
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

    /// The fields as a dict (None for missing ones), like pydantic's `model_dump()`.
    #[pymethod]
    fn model_dump(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        let d = vm.ctx.new_dict();
        for (k, v) in zelf.fields(vm) {
            if k != "device" {
                d.set_item(k, v, vm)?;
            }
        }
        Ok(d.into())
    }

    #[pygetset]
    fn vid(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(0).1
    }
    #[pygetset]
    fn pid(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(1).1
    }
    #[pygetset]
    fn serial_number(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(2).1
    }
    #[pygetset]
    fn manufacturer(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(3).1
    }
    #[pygetset]
    fn product(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(4).1
    }
    #[pygetset]
    fn location(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(5).1
    }
    #[pygetset]
    fn device(zelf: &Py<Self>, vm: &VirtualMachine) -> PyObjectRef {
        zelf.fields(vm).swap_remove(6).1
    }
}

impl Representable for PyUsbSpecifier {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let mut parts = Vec::new();
        for (k, v) in zelf.fields(vm) {
            if !vm.is_none(&v) && k != "device" {
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
        .into_iter()
        .map(|p| PyUsbSpecifier::from_port(p).into_ref(&vm.ctx).into())
        .collect();
    vm.ctx.new_list(items).into()
}
