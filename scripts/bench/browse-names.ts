/**
 * Name material for the browse benchmark's patients. Given names are picked whole;
 * family names are either picked whole or built from a root and an ending, which gives a
 * few thousand distinct family names with shared prefixes and shared trigrams, as a real
 * register has. Plain ASCII, no commas (the seed passes each list as one comma-joined
 * parameter).
 */

export const givenNames = [
  "Aaliyah", "Aaron", "Abel", "Abigail", "Ada", "Adam", "Adele", "Adrian", "Agnes", "Ahmed",
  "Aidan", "Aisha", "Alan", "Albert", "Alejandro", "Alena", "Alex", "Alexander", "Alexandra", "Alfred",
  "Ali", "Alice", "Alicia", "Alina", "Alma", "Amanda", "Amara", "Amelia", "Amir", "Amy",
  "Ana", "Anders", "Andrea", "Andrew", "Angela", "Anita", "Anna", "Anne", "Anton", "Antonio",
  "Arjun", "Arthur", "Astrid", "Aurora", "Ava", "Beatrice", "Ben", "Benedict", "Benjamin", "Bernard",
  "Bianca", "Bjorn", "Brian", "Bruno", "Camila", "Carl", "Carla", "Carlos", "Carmen", "Caroline",
  "Catherine", "Cecilia", "Charles", "Charlotte", "Chen", "Chloe", "Christian", "Christina", "Claire", "Clara",
  "Daniel", "Daniela", "David", "Deborah", "Denise", "Diana", "Diego", "Dmitri", "Dominic", "Dorothy",
  "Edward", "Elena", "Eli", "Elias", "Elif", "Elisa", "Elizabeth", "Ella", "Ellen", "Emil",
  "Emily", "Emma", "Eric", "Erik", "Esther", "Eva", "Fatima", "Felix", "Fernando", "Fiona",
  "Francesca", "Francis", "Frank", "Freya", "Gabriel", "Gabriela", "George", "Georgia", "Gerald", "Gianna",
  "Grace", "Gregory", "Greta", "Hana", "Hannah", "Hans", "Harold", "Harriet", "Hassan", "Heinrich",
  "Helen", "Helena", "Henry", "Hugo", "Ibrahim", "Ida", "Igor", "Ingrid", "Irene", "Isaac",
  "Isabel", "Isabella", "Ivan", "Jack", "Jacob", "James", "Jan", "Jana", "Jane", "Javier",
  "Jennifer", "Jessica", "Joanna", "Johan", "John", "Jonas", "Jorge", "Jose", "Joseph", "Julia",
  "Julian", "Juliet", "Karen", "Karim", "Karl", "Katarina", "Kate", "Kenji", "Kevin", "Khalid",
  "Laila", "Lara", "Laura", "Lea", "Leila", "Leo", "Leon", "Liam", "Lina", "Linda",
  "Lisa", "Lucas", "Lucia", "Luis", "Luka", "Madeleine", "Magnus", "Maja", "Malik", "Marco",
  "Margaret", "Maria", "Mariam", "Marie", "Mark", "Marta", "Martin", "Mateo", "Matilda", "Maya",
  "Mei", "Mia", "Michael", "Miguel", "Mila", "Mohammed", "Nadia", "Naomi", "Natalia", "Nathan",
  "Nicholas", "Nico", "Nikolai", "Nina", "Noah", "Nora", "Olga", "Oliver", "Olivia", "Omar",
  "Oscar", "Pablo", "Patricia", "Paul", "Paula", "Pedro", "Peter", "Philip", "Priya", "Rafael",
  "Rahul", "Rachel", "Raquel", "Rebecca", "Richard", "Rita", "Robert", "Rosa", "Ruth", "Samir",
  "Samuel", "Sara", "Sebastian", "Selin", "Sergei", "Simon", "Sofia", "Sophie", "Stefan", "Susan",
  "Svetlana", "Tatiana", "Teresa", "Thomas", "Tobias", "Tomas", "Ursula", "Valentina", "Vera", "Victor",
  "Victoria", "Vincent", "Walter", "William", "Xavier", "Yara", "Yusuf", "Zara", "Zoe", "Zoran",
];

export const wholeFamilyNames = [
  "Abe", "Adeyemi", "Aguilar", "Ahmadi", "Alvarez", "Andersen", "Arslan", "Bakker", "Banerjee", "Becker",
  "Bianchi", "Bjork", "Blanc", "Bondarenko", "Brown", "Castillo", "Chen", "Choi", "Costa", "Cruz",
  "Da Silva", "Dahl", "Das", "De Jong", "Delgado", "Dubois", "Dumont", "Eriksen", "Esposito", "Fernandez",
  "Fischer", "Fontaine", "Garcia", "Gomez", "Gonzalez", "Gupta", "Haddad", "Hansen", "Hashemi", "Herrera",
  "Hoffmann", "Horvath", "Huang", "Ibrahim", "Ivanova", "Jansen", "Jimenez", "Johansson", "Kaya", "Keller",
  "Khan", "Kim", "Kovacs", "Kowalski", "Kumar", "Lambert", "Larsen", "Laurent", "Lee", "Lehmann",
  "Li", "Lopez", "Mahmoud", "Marino", "Martin", "Martinez", "Meyer", "Molina", "Moreau", "Moreno",
  "Muller", "Murphy", "Nagy", "Nakamura", "Navarro", "Nguyen", "Nielsen", "Novak", "O'Brien", "Okafor",
  "Olsen", "Ortiz", "Ozturk", "Park", "Patel", "Perez", "Petrov", "Popescu", "Ramirez", "Reyes",
  "Ricci", "Rodriguez", "Romano", "Rossi", "Ruiz", "Saito", "Sanchez", "Santos", "Schmidt", "Schneider",
  "Schulz", "Sharma", "Silva", "Singh", "Smirnov", "Sorensen", "Suzuki", "Svoboda", "Takahashi", "Tanaka",
  "Torres", "Van Dijk", "Vargas", "Vasquez", "Volkov", "Wagner", "Walsh", "Wang", "Weber", "Wojcik",
  "Wong", "Wu", "Yamamoto", "Yang", "Yilmaz", "Young", "Zhang", "Zhou", "Zielinski", "Zimmermann",
];

export const familyRoots = [
  "Abel", "Acker", "Adler", "Alder", "Amber", "Ander", "Arm", "Ash", "Atkin", "Bal",
  "Bar", "Bau", "Bell", "Ben", "Berg", "Birk", "Black", "Blom", "Brad", "Bran",
  "Brook", "Bur", "Cal", "Cam", "Car", "Chad", "Chris", "Clay", "Col", "Cor",
  "Cran", "Dal", "Dan", "Daven", "Deck", "Dor", "Dun", "Eck", "Ed", "Eld",
  "Ell", "Elm", "Eng", "Fair", "Falk", "Far", "Fen", "Fitz", "Ford", "Fox",
  "Frank", "Gal", "Gar", "Gil", "Glen", "Gold", "Gor", "Gran", "Green", "Gud",
  "Hal", "Ham", "Har", "Haw", "Hed", "Hel", "Her", "Hill", "Hol", "Holm",
  "Hun", "Jack", "Jen", "Kal", "Ken", "Kirk", "Lam", "Lang", "Lind", "Lund",
  "Mal", "Mar", "Mer", "Mill", "Mor", "Nor", "Nord", "Oak", "Ol", "Pal",
  "Pen", "Pet", "Quin", "Ram", "Red", "Ros", "Ryd", "Sal", "Sand", "Sher",
  "Sig", "Stan", "Stein", "Stock", "Stone", "Strand", "Sund", "Tal", "Thor", "Tol",
  "Vald", "Van", "Wal", "War", "Wen", "West", "Whit", "Wick", "Win", "Wood",
];

export const familyEndings = [
  "ander", "ard", "berg", "bert", "bridge", "brook", "by", "dahl", "dale", "ell",
  "er", "feld", "field", "ford", "gaard", "gren", "ham", "holm", "hurst", "ing",
  "ington", "ino", "ison", "ke", "kin", "land", "ley", "lin", "ling", "lund",
  "man", "mann", "mark", "mont", "more", "ner", "ni", "ott", "quist", "rick",
  "sen", "ski", "son", "stad", "strom", "ton", "vall", "ville", "well", "wick",
  "win", "worth", "zen", "ez", "elli", "escu", "enko", "ova", "ic", "ay",
];
