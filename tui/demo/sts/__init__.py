"""The local STS: moto's server behind a fidelity layer (`server`), its rules, wire format and
console federation stand-in."""
