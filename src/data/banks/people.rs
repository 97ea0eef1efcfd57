//! Name pools. Children, in-laws and other third parties are named in each
//! topic's details instead, from names that do not appear here, so a client
//! never shares a name with someone they talk about.

/// First names used with she/her pronouns.
pub const FEMALE: &[&str] = &[
    "Dana", "Priya", "Megan", "Rosa", "Leah", "Hannah", "Nadia", "Claire", "Tessa", "Imani",
    "Sofia", "Grace", "Erin", "Yuki", "Aisha", "Carmen", "Joanna", "Lauren", "Bianca", "Kira",
];

/// First names used with he/him pronouns.
pub const MALE: &[&str] = &[
    "Marcus", "Daniel", "Tom", "Ravi", "Luis", "Ben", "Owen", "Jamal", "Kevin", "Eli", "Hugo",
    "Andre", "Patrick", "Nate", "Chris", "Dev", "Mateo", "Will", "Simon", "Tariq",
];

/// Therapists as (first name, surname); clients address them as "Dr. <surname>".
pub const THERAPISTS: &[(&str, &str)] = &[
    ("Amara", "Okafor"),
    ("Helen", "Reyes"),
    ("Miriam", "Castellanos"),
    ("Paul", "Lindqvist"),
    ("Joan", "Whitfield"),
    ("Samuel", "Osei"),
    ("Irene", "Novak"),
    ("David", "Abrams"),
    ("Ruth", "Adeyemi"),
    ("Teresa", "Morales"),
    ("Graham", "Hale"),
    ("Nina", "Petrov"),
];
