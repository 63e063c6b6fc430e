//! `gen-types`: writes the TypeScript wire types into `web/src/generated/` (see
//! `promptdeck_server::wire_types`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = promptdeck_server::wire_types::write(&root.join(promptdeck_server::wire_types::OUT_DIR))?;
    println!("wrote {} files into {}", files.len(), promptdeck_server::wire_types::OUT_DIR);
    Ok(())
}
