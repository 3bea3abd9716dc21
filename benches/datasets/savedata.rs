//! The `savedata` dataset: Minecraft-like player save data, as a game
//! server stores it and hands it to a proxy or a client at login.
//!
//! Deeply nested structs, enums with data, options, many small strings
//! (item and recipe ids, names, lore) and many short vectors: the shape of
//! game state rather than of protocol headers. Written for these
//! benchmarks from the same fixed-seed generator as the other datasets;
//! its floats are short binary fractions, so that every format, text ones
//! included, reads back exactly what it wrote.

use serde::{Deserialize, Serialize};
use wincode::{SchemaRead, SchemaWrite};

use super::rng::Rng;

/// One player's saved state.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Player {
    pub uuid: [u32; 4],
    pub name: String,
    pub game_type: GameType,
    pub previous_game_type: Option<GameType>,
    pub dimension: String,
    pub position: Vec3,
    pub motion: Vec3,
    pub rotation: (f32, f32),
    pub on_ground: bool,
    pub fall_distance: f32,
    pub fire_ticks: i16,
    pub air: u16,
    pub health: f32,
    pub food: Food,
    pub xp: Experience,
    pub score: i64,
    pub selected_slot: u8,
    pub inventory: Vec<Item>,
    pub ender_chest: Vec<Item>,
    pub abilities: Abilities,
    pub attributes: Vec<Attribute>,
    pub effects: Vec<Effect>,
    pub spawn: Option<Spawn>,
    pub last_death: Option<(String, Vec3)>,
    pub shoulder_pet: Option<Pet>,
    pub recipe_book: RecipeBook,
    pub seen_credits: bool,
}

/// The game mode.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
)]
pub enum GameType {
    Survival,
    Creative,
    Adventure,
    Spectator,
}

/// A point or a velocity in the world.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Vec3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

/// Hunger.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Food {
    pub level: u8,
    pub saturation: f32,
    pub exhaustion: f32,
    pub tick_timer: u16,
}

/// Experience.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Experience {
    pub level: u32,
    pub progress: f32,
    pub total: u32,
    pub seed: i32,
}

/// A stack of items in an inventory slot.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Item {
    pub slot: u8,
    pub id: String,
    pub count: u8,
    pub damage: Option<u16>,
    pub custom_name: Option<String>,
    pub enchantments: Option<Vec<Enchantment>>,
    pub lore: Vec<String>,
    pub data: ItemData,
}

/// One enchantment of an item.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Enchantment {
    pub id: String,
    pub level: u8,
}

/// What only some kinds of item carry.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub enum ItemData {
    Plain,
    Dyed(u32),
    Potion {
        effect: String,
        extended: bool,
        upgraded: bool,
    },
    Book {
        title: String,
        author: String,
        pages: Vec<String>,
    },
    Firework {
        flight: u8,
        colors: Vec<u32>,
    },
}

/// What the player may do.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Abilities {
    pub walk_speed: f32,
    pub fly_speed: f32,
    pub may_fly: bool,
    pub flying: bool,
    pub invulnerable: bool,
    pub may_build: bool,
    pub instabuild: bool,
}

/// A player attribute (health, speed, …) and what modifies it.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Attribute {
    pub id: String,
    pub base: f64,
    pub modifiers: Vec<Modifier>,
}

/// A change to an attribute from an item or an effect.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Modifier {
    pub uuid: [u32; 4],
    pub name: String,
    pub amount: f64,
    pub operation: Operation,
}

/// How a modifier applies.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
)]
pub enum Operation {
    Add,
    MultiplyBase,
    MultiplyTotal,
}

/// A status effect.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Effect {
    pub id: u8,
    pub amplifier: u8,
    pub duration: i32,
    pub ambient: bool,
    pub show_particles: bool,
    pub show_icon: bool,
}

/// Where the player respawns.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Spawn {
    pub x: i32,
    pub y: i32,
    pub z: i32,
    pub angle: f32,
    pub dimension: String,
    pub forced: bool,
}

/// A tamed animal riding on the player's shoulder.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Pet {
    pub kind: String,
    pub uuid: [u32; 4],
    pub custom_name: Option<String>,
    pub variant: u8,
    pub health: f32,
    pub tags: Vec<String>,
}

/// The recipes the player has unlocked, and the book's settings.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct RecipeBook {
    pub recipes: Vec<String>,
    pub to_be_displayed: Vec<String>,
    pub crafting_open: bool,
    pub crafting_filtering: bool,
    pub furnace_open: bool,
    pub furnace_filtering: bool,
    pub smoker_open: bool,
    pub smoker_filtering: bool,
}

const ITEMS: &[&str] = &[
    "minecraft:stone",
    "minecraft:cobblestone",
    "minecraft:dirt",
    "minecraft:oak_log",
    "minecraft:oak_planks",
    "minecraft:stick",
    "minecraft:torch",
    "minecraft:coal",
    "minecraft:iron_ingot",
    "minecraft:gold_ingot",
    "minecraft:diamond",
    "minecraft:emerald",
    "minecraft:redstone",
    "minecraft:lapis_lazuli",
    "minecraft:bread",
    "minecraft:cooked_beef",
    "minecraft:golden_carrot",
    "minecraft:apple",
    "minecraft:arrow",
    "minecraft:bow",
    "minecraft:crossbow",
    "minecraft:shield",
    "minecraft:diamond_sword",
    "minecraft:netherite_sword",
    "minecraft:diamond_pickaxe",
    "minecraft:netherite_pickaxe",
    "minecraft:iron_shovel",
    "minecraft:diamond_axe",
    "minecraft:elytra",
    "minecraft:diamond_helmet",
    "minecraft:diamond_chestplate",
    "minecraft:iron_leggings",
    "minecraft:leather_boots",
    "minecraft:leather_chestplate",
    "minecraft:potion",
    "minecraft:splash_potion",
    "minecraft:written_book",
    "minecraft:firework_rocket",
    "minecraft:ender_pearl",
    "minecraft:water_bucket",
    "minecraft:lava_bucket",
    "minecraft:crafting_table",
    "minecraft:furnace",
    "minecraft:chest",
    "minecraft:glass",
    "minecraft:white_wool",
    "minecraft:rail",
    "minecraft:obsidian",
    "minecraft:totem_of_undying",
    "minecraft:enchanted_golden_apple",
    "minecraft:experience_bottle",
    "minecraft:name_tag",
];

const ENCHANTMENTS: &[&str] = &[
    "minecraft:sharpness",
    "minecraft:smite",
    "minecraft:looting",
    "minecraft:unbreaking",
    "minecraft:mending",
    "minecraft:efficiency",
    "minecraft:fortune",
    "minecraft:silk_touch",
    "minecraft:protection",
    "minecraft:fire_protection",
    "minecraft:feather_falling",
    "minecraft:thorns",
    "minecraft:power",
    "minecraft:infinity",
    "minecraft:flame",
    "minecraft:respiration",
    "minecraft:depth_strider",
    "minecraft:sweeping_edge",
];

const POTIONS: &[&str] = &[
    "minecraft:healing",
    "minecraft:regeneration",
    "minecraft:swiftness",
    "minecraft:fire_resistance",
    "minecraft:night_vision",
    "minecraft:strength",
    "minecraft:water_breathing",
    "minecraft:invisibility",
    "minecraft:slow_falling",
];

const RECIPES: &[&str] = &[
    "minecraft:oak_planks",
    "minecraft:spruce_planks",
    "minecraft:birch_planks",
    "minecraft:stick",
    "minecraft:crafting_table",
    "minecraft:furnace",
    "minecraft:chest",
    "minecraft:torch",
    "minecraft:wooden_pickaxe",
    "minecraft:stone_pickaxe",
    "minecraft:iron_pickaxe",
    "minecraft:diamond_pickaxe",
    "minecraft:wooden_sword",
    "minecraft:stone_sword",
    "minecraft:iron_sword",
    "minecraft:diamond_sword",
    "minecraft:iron_helmet",
    "minecraft:iron_chestplate",
    "minecraft:iron_leggings",
    "minecraft:iron_boots",
    "minecraft:diamond_helmet",
    "minecraft:diamond_chestplate",
    "minecraft:bread",
    "minecraft:cake",
    "minecraft:cookie",
    "minecraft:golden_carrot",
    "minecraft:bucket",
    "minecraft:shears",
    "minecraft:flint_and_steel",
    "minecraft:compass",
    "minecraft:clock",
    "minecraft:map",
    "minecraft:bow",
    "minecraft:arrow",
    "minecraft:shield",
    "minecraft:white_bed",
    "minecraft:red_bed",
    "minecraft:ladder",
    "minecraft:oak_door",
    "minecraft:iron_door",
    "minecraft:oak_fence",
    "minecraft:oak_stairs",
    "minecraft:stone_slab",
    "minecraft:stone_bricks",
    "minecraft:glass_pane",
    "minecraft:bookshelf",
    "minecraft:enchanting_table",
    "minecraft:anvil",
    "minecraft:hopper",
    "minecraft:rail",
    "minecraft:powered_rail",
    "minecraft:minecart",
    "minecraft:redstone_torch",
    "minecraft:repeater",
    "minecraft:comparator",
    "minecraft:piston",
    "minecraft:sticky_piston",
    "minecraft:observer",
    "minecraft:dispenser",
    "minecraft:dropper",
    "minecraft:lever",
    "minecraft:iron_ingot_from_smelting_raw_iron",
    "minecraft:gold_ingot_from_smelting_raw_gold",
    "minecraft:glass_from_smelting",
    "minecraft:smooth_stone",
    "minecraft:cooked_beef",
    "minecraft:cooked_porkchop",
    "minecraft:cooked_chicken",
    "minecraft:baked_potato",
    "minecraft:charcoal",
    "minecraft:brick",
    "minecraft:blast_furnace",
    "minecraft:smoker",
    "minecraft:campfire",
    "minecraft:lantern",
    "minecraft:chain",
    "minecraft:barrel",
    "minecraft:composter",
    "minecraft:beehive",
    "minecraft:firework_rocket",
    "minecraft:writable_book",
    "minecraft:netherite_upgrade_smithing_template",
];

const NAMES: &[&str] = &[
    "Steve",
    "Alex",
    "Notch_fan",
    "xX_Creeper_Xx",
    "BlockHead",
    "diggy",
    "ZoéMines",
    "Kaito_2011",
    "redstone_ria",
    "EnderMage",
    "sam",
    "Björn",
    "LavaLucy",
    "Pixel_Pete",
    "minerva",
    "TNTtom",
    "quartz_queen",
    "noob_master",
    "Ari",
    "farmer_fred",
];

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "a",
    "sword",
    "blade",
    "old",
    "ancient",
    "king",
    "dragon",
    "fire",
    "frost",
    "night",
    "dawn",
    "my",
    "best",
    "pick",
    "do",
    "not",
    "touch",
    "found",
    "in",
    "a",
    "stronghold",
    "village",
    "trade",
    "for",
    "emeralds",
    "built",
    "by",
    "hand",
    "lucky",
    "ürzeit",
    "東",
    "⚔",
    "★",
];

const DIMENSIONS: &[&str] = &[
    "minecraft:overworld",
    "minecraft:the_nether",
    "minecraft:the_end",
];

const ATTRIBUTES: &[(&str, f64)] = &[
    ("minecraft:generic.max_health", 20.0),
    ("minecraft:generic.movement_speed", 0.1),
    ("minecraft:generic.attack_damage", 1.0),
    ("minecraft:generic.attack_speed", 4.0),
    ("minecraft:generic.armor", 0.0),
    ("minecraft:generic.armor_toughness", 0.0),
    ("minecraft:generic.luck", 0.0),
    ("minecraft:player.block_interaction_range", 4.5),
];

const PETS: &[&str] = &["minecraft:parrot", "minecraft:cat", "minecraft:fox"];

/// `lo..=hi` words, separated by spaces.
fn words(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let n = rng.range(lo, hi);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick::<&str>(WORDS));
    }
    s
}

/// A multiple of `1 / 2^bits` in `lo..hi`: exact in binary and in short
/// decimal text.
fn fraction(rng: &mut Rng, lo: f64, hi: f64, bits: u32) -> f64 {
    let steps = ((hi - lo) * f64::from(1u32 << bits)) as u64;
    lo + rng.below(steps.max(1)) as f64 / f64::from(1u32 << bits)
}

fn uuid(rng: &mut Rng) -> [u32; 4] {
    [
        rng.next_u64() as u32,
        rng.next_u64() as u32,
        rng.next_u64() as u32,
        rng.next_u64() as u32,
    ]
}

fn item(rng: &mut Rng, slot: u8) -> Item {
    let id = *rng.pick(ITEMS);
    let tool = [
        "sword",
        "pickaxe",
        "axe",
        "shovel",
        "bow",
        "helmet",
        "chestplate",
        "leggings",
    ]
    .iter()
    .any(|t| id.contains(t))
        || id.ends_with("boots")
        || id.ends_with("elytra")
        || id.ends_with("shield");
    let data = if id.ends_with("potion") {
        ItemData::Potion {
            effect: (*rng.pick(POTIONS)).to_string(),
            extended: rng.chance(40),
            upgraded: rng.chance(30),
        }
    } else if id.ends_with("written_book") {
        ItemData::Book {
            title: words(rng, 1, 4),
            author: (*rng.pick(NAMES)).to_string(),
            pages: (0..rng.range(1, 6)).map(|_| words(rng, 5, 40)).collect(),
        }
    } else if id.ends_with("firework_rocket") {
        ItemData::Firework {
            flight: rng.range(1, 3) as u8,
            colors: (0..rng.range(0, 4))
                .map(|_| rng.next_u64() as u32 & 0xff_ffff)
                .collect(),
        }
    } else if id.starts_with("minecraft:leather") {
        ItemData::Dyed(rng.next_u64() as u32 & 0xff_ffff)
    } else {
        ItemData::Plain
    };
    Item {
        slot,
        id: id.to_string(),
        count: if tool { 1 } else { rng.range(1, 64) as u8 },
        damage: (tool && rng.chance(70)).then(|| rng.below(1500) as u16),
        custom_name: rng
            .chance(if tool { 25 } else { 3 })
            .then(|| words(rng, 1, 3)),
        enchantments: (tool && rng.chance(55)).then(|| {
            (0..rng.range(1, 5))
                .map(|_| Enchantment {
                    id: (*rng.pick(ENCHANTMENTS)).to_string(),
                    level: rng.range(1, 5) as u8,
                })
                .collect()
        }),
        lore: if rng.chance(8) {
            (0..rng.range(1, 3)).map(|_| words(rng, 2, 8)).collect()
        } else {
            Vec::new()
        },
        data,
    }
}

/// `slots` inventory slots, each filled with probability `percent`.
fn items(rng: &mut Rng, slots: u8, percent: u64) -> Vec<Item> {
    let mut items = Vec::new();
    for slot in 0..slots {
        if rng.chance(percent) {
            items.push(item(rng, slot));
        }
    }
    items
}

fn vec3(rng: &mut Rng, span: f64, bits: u32) -> Vec3 {
    Vec3 {
        x: fraction(rng, -span, span, bits),
        y: fraction(rng, -64.0, 320.0, bits),
        z: fraction(rng, -span, span, bits),
    }
}

/// Some of the player attributes, a few with modifiers.
fn attributes(rng: &mut Rng) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    for &(id, base) in ATTRIBUTES {
        if !rng.chance(60) {
            continue;
        }
        let modifiers = (0..rng.below(3))
            .map(|_| Modifier {
                uuid: uuid(rng),
                name: words(rng, 1, 3),
                amount: fraction(rng, -2.0, 8.0, 4),
                operation: *rng.pick(&[
                    Operation::Add,
                    Operation::MultiplyBase,
                    Operation::MultiplyTotal,
                ]),
            })
            .collect();
        attributes.push(Attribute {
            id: id.to_string(),
            base,
            modifiers,
        });
    }
    attributes
}

/// `count` players' save data.
pub fn players(count: usize) -> Vec<Player> {
    let mut rng = Rng::new(0x5341_5645);
    (0..count)
        .map(|_| {
            let game_type = *rng.pick(&[
                GameType::Survival,
                GameType::Survival,
                GameType::Survival,
                GameType::Creative,
                GameType::Adventure,
                GameType::Spectator,
            ]);
            let creative = game_type == GameType::Creative;
            let inventory = items(&mut rng, 41, 60);
            let ender_chest = items(&mut rng, 27, 30);
            let known = rng.range(5, RECIPES.len() as u64) as usize;
            let mut recipes: Vec<String> = RECIPES.iter().map(|r| r.to_string()).collect();
            // A random subset, in a random order.
            for i in (1..recipes.len()).rev() {
                recipes.swap(i, rng.below(i as u64 + 1) as usize);
            }
            recipes.truncate(known);
            let to_be_displayed = recipes.iter().filter(|_| rng.chance(10)).cloned().collect();
            Player {
                uuid: uuid(&mut rng),
                name: (*rng.pick(NAMES)).to_string(),
                game_type,
                previous_game_type: rng
                    .chance(30)
                    .then(|| *rng.pick(&[GameType::Survival, GameType::Creative])),
                dimension: (*rng.pick(DIMENSIONS)).to_string(),
                position: vec3(&mut rng, 30_000.0, 8),
                motion: Vec3 {
                    x: fraction(&mut rng, -1.0, 1.0, 10),
                    y: fraction(&mut rng, -1.0, 1.0, 10),
                    z: fraction(&mut rng, -1.0, 1.0, 10),
                },
                rotation: (
                    fraction(&mut rng, -180.0, 180.0, 4) as f32,
                    fraction(&mut rng, -90.0, 90.0, 4) as f32,
                ),
                on_ground: rng.chance(80),
                fall_distance: fraction(&mut rng, 0.0, 4.0, 4) as f32,
                fire_ticks: if rng.chance(5) {
                    rng.below(300) as i16
                } else {
                    -20
                },
                air: if rng.chance(5) {
                    rng.below(300) as u16
                } else {
                    300
                },
                health: fraction(&mut rng, 1.0, 20.0, 1) as f32,
                food: Food {
                    level: rng.below(21) as u8,
                    saturation: fraction(&mut rng, 0.0, 20.0, 2) as f32,
                    exhaustion: fraction(&mut rng, 0.0, 4.0, 6) as f32,
                    tick_timer: rng.below(80) as u16,
                },
                xp: Experience {
                    level: rng.log_range(1, 100) as u32 - 1,
                    progress: fraction(&mut rng, 0.0, 1.0, 8) as f32,
                    total: rng.log_range(1, 20_000) as u32,
                    seed: rng.next_u64() as i32,
                },
                score: rng.log_range(1, 100_000) as i64,
                selected_slot: rng.below(9) as u8,
                inventory,
                ender_chest,
                abilities: Abilities {
                    walk_speed: 0.1,
                    fly_speed: 0.05,
                    may_fly: creative,
                    flying: creative && rng.chance(40),
                    invulnerable: creative,
                    may_build: game_type != GameType::Adventure,
                    instabuild: creative,
                },
                attributes: attributes(&mut rng),
                effects: (0..rng.below(4))
                    .map(|_| Effect {
                        id: rng.range(1, 33) as u8,
                        amplifier: rng.below(3) as u8,
                        duration: rng.log_range(20, 20 * 60 * 8) as i32,
                        ambient: rng.chance(10),
                        show_particles: rng.chance(90),
                        show_icon: true,
                    })
                    .collect(),
                spawn: rng.chance(60).then(|| Spawn {
                    x: rng.below(60_000) as i32 - 30_000,
                    y: rng.range(60, 120) as i32,
                    z: rng.below(60_000) as i32 - 30_000,
                    angle: fraction(&mut rng, -180.0, 180.0, 2) as f32,
                    dimension: (*rng.pick(DIMENSIONS)).to_string(),
                    forced: rng.chance(5),
                }),
                last_death: rng.chance(50).then(|| {
                    (
                        (*rng.pick(DIMENSIONS)).to_string(),
                        vec3(&mut rng, 30_000.0, 0),
                    )
                }),
                shoulder_pet: rng.chance(8).then(|| Pet {
                    kind: (*rng.pick(PETS)).to_string(),
                    uuid: uuid(&mut rng),
                    custom_name: rng.chance(50).then(|| (*rng.pick(NAMES)).to_string()),
                    variant: rng.below(5) as u8,
                    health: fraction(&mut rng, 1.0, 6.0, 1) as f32,
                    tags: Vec::new(),
                }),
                recipe_book: RecipeBook {
                    recipes,
                    to_be_displayed,
                    crafting_open: rng.chance(20),
                    crafting_filtering: rng.chance(10),
                    furnace_open: rng.chance(5),
                    furnace_filtering: rng.chance(5),
                    smoker_open: false,
                    smoker_filtering: false,
                },
                seen_credits: rng.chance(15),
            }
        })
        .collect()
}
