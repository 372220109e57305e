// Given and family names for generated people. Letters only (no spaces, apostrophes or hyphens) so
// that `first.last@domain` and `first-last-xxxx` LinkedIn slugs parse back to a unique pair.

const firstNameText = `
James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Betty Anthony
Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth
Dorothy Kevin Carol Brian Amanda George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason
Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna
Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine
Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis
Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas
Victoria Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan
Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline Gerald Martha Harold Gloria Sean Teresa
Austin Ann Carl Sara Arthur Madison Lawrence Frances Dylan Kathryn Jesse Janice Jordan Jean Bryan
Abigail Billy Alice Joe Julia Bruce Judy Gabriel Sophia Logan Grace Albert Denise Willie Amber Alan
Doris Juan Marilyn Wayne Danielle Elijah Beverly Randy Isabella Roy Theresa Vincent Diana Ralph
Natalie Eugene Brittany Russell Charlotte Bobby Marie Mason Kayla Philip Alexis Louis Lori Aarav Priya
Rohan Ananya Arjun Divya Vikram Neha Rahul Pooja Sanjay Kavya Amit Shreya Ravi Isha Wei Mei Jun Hiroshi
Yuki Kenji Sakura Takeshi Aiko Minjun Jisoo Hyun Seoyeon Lucas Sofia Mateo Valentina Santiago Camila
Diego Lucia Carlos Elena Miguel Carmen Javier Isabel Pablo Ana Luis Paula Andres Marta Pierre Camille
Chloe Hugo Manon Antoine Lea Julien Ines Thibault Margaux Lukas Lena Felix Mia Jonas Leon Finn Clara
Matteo Giulia Lorenzo Chiara Alessandro Francesca Davide Lars Ingrid Erik Astrid Nils Freya Sven Maja
Oskar Elsa Jan Zofia Piotr Agnieszka Tomasz Katarzyna Ahmed Fatima Omar Layla Yusuf Amira Karim Nadia
Hassan Leila Tariq Zara Kwame Amara Chidi Ngozi Tunde Adaeze Sipho Thandiwe Noa Yael Eitan Tamar Avi
Maya Liam Ava Oliver Amelia Elias Nora Caleb Stella Owen Ella Connor Aoife Ciaran Siobhan Declan Niamh
Callum Isla Fraser Eilidh Rhys Seren Tobias Hazel Miles Ivy Theo Ruby Ezra Violet Jasper Aurora Silas
Penelope Felipe Gabriela Rafael Beatriz Thiago Mariana Bruno Leticia Ricardo Fernanda Kofi Abena Yaw
Efua Arnav Aditi Kabir Meera Ishaan Tara Dev Anika Nikhil Riya Quentin Oceane Maxime Pauline Bastien
Justine Stefan Katrin Henrik Sofie Mikkel Ida Jakob Signe Mats Linnea Viktor Emilia Anton Alina Dmitri
Irina Pavel Olga Marek Petra Tomas Lenka Andrei Ioana Bogdan Ilinca Nikos Eleni Kostas Dimitra Can Elif
Emre Zeynep Mehmet Ayse Reza Shirin Dariush Parisa Kenta Haruka Sota Yui Ren Hina Jiho Hana Taeyang
`;

const lastNameText = `
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams
Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz
Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson
Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins
Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero
Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant
Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford
Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer
Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels
Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold
Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson
Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards
Contreras Willis Carpenter Lawrence Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins
Greene Nunez Wheeler Valdez Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin
Dominguez Carr Lawson Jacobs Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson
Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson McCoy Garrett Burton Fuller Wang Weber Welch
Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna Fowler Mejia
Davidson Acosta Brewer May Holland Juarez Newman Pearson Curtis Cortez Douglas Schneider Joseph
Barrett Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins Campos Barnett Bates Chambers
Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton
Fleming Rhodes Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele
Vaughn Becker Holt Barker Terry Hale Leon Benson Haynes Horton Lyons Pham Graves Bush Thornton Wolfe
Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles Cervantes Solis
Erickson Reeves Chang Klein Salinas Fuentes Baldwin Simon Velasquez Hardy Higgins Aguirre Lin
Cummings Chandler Sharp Barber Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Blair Cardenas
Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales Stevenson
Christensen Manning Gill Curry McLaughlin Harmon McGee Gross Doyle Garner Newton Burgess Reese Walton
Blake Trujillo Adkins Brady Goodman Roman Webster Goodwin Fischer Huang Potter Montoya Todd Wu Hines
Mullins Castaneda Malone Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia Saunders
Franco Rowe Gallagher Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton Schroeder
Maxwell Waters Logan Camacho Strickland Norman Colon Parsons Harrington Glover Osborne Buchanan Casey
Floyd Patton Ibarra Ball Suarez Bowers Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar
McGuire Lloyd Mueller Hartman French Kramer McBride Pope Lindsey Velazquez Norton McCormick Sparks
Flynn Yates Hogan Marsh Macias Villanueva Zamora Pratt Stokes Ballard Lang Brock Villarreal Drake
Barrera Cain Pineda Burnett Mercado Santana Shepherd Bautista Ali Shaffer Lamb Trevino McKenzie Hess
Olsen Cochran Morton Nash Wilkins Petersen Briggs Shah Roth Nicholson Holloway Lozano Rangel Flowers
Hoover Short Arias Mora Valenzuela Meyers Weiss Underwood Bass Greer Summers Houston Carson Morrow
Clayton Whitaker Decker Yoder Collier Zuniga Carey Wilcox Melendez Poole Roberson Larsen Conley
Davenport Copeland Massey Lam Huff Rocha Cameron Jefferson Hood Monroe Pittman Huynh Randall Singleton
Kirk Combs Mathis Skinner Bradford Galvan Wall Boone Kirby Wilkinson Bridges Atkinson Velez Meza
Villa Abbott Allison Tapia Gates Chase Sosa Sweeney Farrell Wyatt Dalton Horn Barron Phelps Yu
Dickerson Heath Foley Atkins Mathews Bonilla Acevedo Benitez Zavala Hensley Glenn Cisneros Harrell
Shields Rubio Huffman Choi Boyer Garrison Arroyo Bond Kane Hancock Callahan Dillon Cline Wiggins Grimes
Arellano Melton Savage Beltran Pitts Parrish Ponce Booth Koch Golden Ware Brennan McDowell Marks Cantu
Humphrey Baxter Sawyer Tanner Hutchinson Kaur Berg Wiley Gilmore Russo Villegas Hobbs Wilkerson Ahmed
Beard McClain Montes Rosario Henson Mosley McClure Beasley Stephenson Snow Huerta Preston Vance Barry
Eaton Blackwell Dyer Prince Solomon Guevara Stafford English Hurst Woodard Cortes Shannon Kemp Nolan
McCullough Merritt Murillo Moon Salgado Strong Kline Cordova Barajas Roach Rosas Winters Jacobson
Lester Knox Bullock Kerr Leach Meadows Orr Davila Whitehead Pruitt Kent Conway McKee Barr Marin Berger
McIntyre Blankenship Gaines Palacios Cuevas Bartlett Durham Dorsey McCall Stein Browning Stout Lowery
Sloan McLean Hendricks Calhoun Sexton Chung Gentry Hull Duarte Ellison Nielsen Gillespie Buck
Middleton Sellers Leblanc Esparza Hardin Bradshaw McIntosh Howe Livingston Frost Glass Morse Knapp
Herman Stark Bravo Noble Spears Weeks Corona Buckley McFarland Hebert Enriquez Hickman Quintero
Randolph Schaefer Trejo Reilly Pennington Conrad Giles Crosby Fitzpatrick Donovan Mays Mahoney
Valentine Medrano Hahn McMillan Bentley Peck Lucero Boyle Hanna Pace Rush Hurley Harding McConnell
Bernal Nava Ayers Everett Ventura Avery Pugh Mayer Bender Shepard McMahon Landry Sampson Moses Magana
Blackburn Dunlap Gould Duffy Vaughan Herring McKay Espinosa Rivers Farley Bernard Friedman Potts
Truong Costa Correa Blevins Nixon Clements Fry Benton Lugo Portillo Dougherty Crane Haley Phan
Villalobos Blanchard Horne Finley Quintana Esquivel Bean Dodson Mullen Xiong Hayden Cano Levy Huber
Richmond Moyer Lim Frye Sheppard McCarty Avalos Booker Waller Parra Woodward Jaramillo Krueger
Rasmussen Brandt Peralta Donaldson Stuart Faulkner Maynard Galindo Coffey Estes Sanford Burch Maddox
Andersen Spence McPherson Church Schmitt Stanton Leal Cherry Compton Dudley Sierra Pollard Alfaro
Hester Proctor Hinton Novak Madden McCann Terrell Jarvis Dickson Reyna Cantrell Mayo Branch Hendrix
Rollins Rowland Whitney Duke Odom Daugherty Travis Tang Rossi Ferrari Dubois Lefebvre Moreau Laurent
Petit Yamamoto Tanaka Suzuki Watanabe Sato Takahashi Ito Kobayashi Nakamura Kowalski Nowak Wisniewski
Johansson Andersson Karlsson Nilsson Eriksson Larsson Jansen Devries Visser Bakker Mehta Sharma Gupta
Kumar Reddy Iyer Nair Rao Joshi Desai Chopra Kapoor Malhotra Okafor Adeyemi Mensah Nkosi Dlamini Levi
Romano Colombo Ricci Marino Greco Gallo Conti Esposito Fontana Moretti Barbieri Lombardi Ferrara
Santoro Rinaldi Leone Mancini Oliveira Souza Pereira Almeida Ribeiro Carvalho Gomes Martins Dias
Teixeira Fernandes Lopes Moreira Barbosa Cardoso Nascimento Araujo Mendes Hoang Vo Bui Dang Do Ngo
Schmid Keller Fuchs Vogel Frank Lange Hofmann Kaiser Richter Wolff Neumann Schwarz Zimmer Krause Braun
Hartmann Werner Lehmann Koehler Haas Peeters Janssens Maes Claes Jacobsen Pedersen Kristensen Lund
Berglund Lindqvist Holm Virtanen Korhonen Makinen Nieminen Popescu Ionescu Papadopoulos Yilmaz Kaya
Demir Sahin Celik Hosseini Rahimi Tehrani Haddad Khoury Nasser Saleh Mansour Farouk Ibrahim Bello
Okoye Eze Nwosu Owusu Boateng Asante Mwangi Otieno Kamau Naidoo Pillay Govender Botha Venter Nel
`;

function words(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of text.split(/\s+/)) {
    if (!w || seen.has(w.toLowerCase())) continue;
    seen.add(w.toLowerCase());
    out.push(w);
  }
  return out;
}

/** Given names, unique case-insensitively. */
export const firstNames: readonly string[] = Object.freeze(words(firstNameText));
/** Family names, unique case-insensitively. */
export const lastNames: readonly string[] = Object.freeze(words(lastNameText));

/** Lower-case name → index, for parsing emails, LinkedIn slugs and name matches. */
export const firstNameIndex: ReadonlyMap<string, number> = new Map(
  firstNames.map((n, i) => [n.toLowerCase(), i]),
);
export const lastNameIndex: ReadonlyMap<string, number> = new Map(
  lastNames.map((n, i) => [n.toLowerCase(), i]),
);
