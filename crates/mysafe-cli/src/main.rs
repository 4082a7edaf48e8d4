fn main() {
    println!("mysafe: under construction");
}
