"""The demo's WHAT items: definitions and descriptions of concepts."""

WHAT = (
    (
        "What is photosynthesis?",
        "Photosynthesis is how plants use sunlight, water and carbon dioxide to make sugar and "
        "release oxygen.",
        "Photosynthesis is how plants absorb oxygen at night to make protein.",
    ),
    (
        "What does inflation mean?",
        "Inflation is the general rise in prices over time, which reduces how much a unit of "
        "money can buy.",
        "Inflation is when a government mints larger coins so that each one is worth more.",
    ),
    (
        "Explain gravity.",
        "Gravity is the force of attraction between masses, which keeps us on the ground and the "
        "planets orbiting the Sun.",
        "Gravity is a magnetic pull produced by the Earth's iron core that only affects metal "
        "objects.",
    ),
    (
        "Can you explain what DNA is?",
        "DNA is the molecule that carries the genetic instructions for the growth, function and "
        "reproduction of living things.",
        "DNA is a type of protein that the liver produces to digest fats in food.",
    ),
    (
        "Describe the water cycle.",
        "The water cycle is the continuous movement of water between land, sea and air through "
        "evaporation, condensation and precipitation.",
        "The water cycle is the process by which brand new water is created inside clouds each "
        "day from sunlight.",
    ),
    (
        "Tell me about the Great Wall of China.",
        "The Great Wall of China is a series of fortifications built over many centuries to "
        "protect Chinese states from northern invaders.",
        "The Great Wall of China is a single short wall built in one year by a Roman emperor to "
        "mark a trade route.",
    ),
    (
        "What is meant by supply and demand?",
        "Supply and demand describes how prices tend to settle where the amount sellers offer "
        "matches the amount buyers want.",
        "Supply and demand means that every price is fixed by law so that all products cost the "
        "same.",
    ),
    (
        "What is an atom?",
        "An atom is the smallest unit of a chemical element, made of a nucleus of protons and "
        "neutrons surrounded by electrons.",
        "An atom is a tiny living cell that makes up the bodies of all plants and animals.",
    ),
    (
        "Could you tell me what a black hole is?",
        "A black hole is a region of space where gravity is so strong that nothing, not even "
        "light, can escape.",
        "A black hole is an empty gap in space where there is no gravity at all.",
    ),
    (
        "What does GDP stand for and what does it measure?",
        "GDP stands for gross domestic product, the total value of goods and services produced in "
        "a country over a period.",
        "GDP stands for general debt percentage, the share of a country's money that it owes to "
        "other nations.",
    ),
    (
        "Explain what an algorithm is.",
        "An algorithm is a precise, step-by-step set of instructions for solving a problem or "
        "completing a task.",
        "An algorithm is a type of computer chip that stores music and video files.",
    ),
    (
        "Can you explain what the immune system is?",
        "The immune system is the body's network of cells, tissues and organs that defends "
        "against infections and other harmful invaders.",
        "The immune system is a single organ in the chest that produces all of the body's blood.",
    ),
    (
        "Describe the Renaissance.",
        "The Renaissance was a European cultural movement from about the fourteenth to "
        "seventeenth centuries that revived classical art, learning and science.",
        "The Renaissance was a nineteenth century factory movement that replaced painting with "
        "photography across Europe.",
    ),
    (
        "Tell me about the Amazon rainforest.",
        "The Amazon is the world's largest tropical rainforest, covering much of northern South "
        "America and holding enormous biodiversity.",
        "The Amazon rainforest is a small, dry woodland in central Africa with very few animal "
        "species.",
    ),
    (
        "What is meant by compound interest?",
        "Compound interest is interest earned both on the original amount and on the interest "
        "that has already been added to it.",
        "Compound interest is a fixed fee that banks charge once when you open a savings account.",
    ),
    (
        "What is a volcano?",
        "A volcano is an opening in the Earth's crust through which molten rock, ash and gases "
        "erupt from below.",
        "A volcano is a mountain that heats up because it absorbs too much sunlight during the "
        "summer.",
    ),
    (
        "What's the internet?",
        "The internet is a global network of interconnected computers that exchange data using "
        "shared communication protocols.",
        "The internet is a single giant computer in California that stores every website in the "
        "world.",
    ),
    (
        "What does metabolism mean?",
        "Metabolism is the set of chemical reactions in the body that turn food into energy and "
        "build or break down molecules.",
        "Metabolism is the speed at which your hair and nails grow each month.",
    ),
    (
        "Explain the theory of evolution.",
        "Evolution is the change in inherited traits of populations over many generations, driven "
        "mainly by natural selection and genetic variation.",
        "Evolution is the idea that individual animals reshape their own bodies on purpose during "
        "their lifetime to suit their needs.",
    ),
    (
        "Can you explain what a vaccine is?",
        "A vaccine is a preparation that trains the immune system to recognize a specific germ so "
        "it can fight future infection.",
        "A vaccine is a kind of antibiotic that kills viruses directly after you are already sick.",
    ),
    (
        "Describe the Mona Lisa.",
        "The Mona Lisa is an early sixteenth century portrait by Leonardo da Vinci, famous for "
        "its subtle smile and displayed in the Louvre.",
        "The Mona Lisa is a marble statue by Michelangelo that stands in a public square in Rome.",
    ),
    (
        "Tell me about the Sahara Desert.",
        "The Sahara is the largest hot desert in the world, stretching across much of North "
        "Africa.",
        "The Sahara is a cold desert in South America that is covered by ice for most of the year.",
    ),
    (
        "What is meant by opportunity cost?",
        "Opportunity cost is the value of the next best alternative you give up when you make a "
        "choice.",
        "Opportunity cost is the lower price a shop charges when a product is on sale for a "
        "limited time.",
    ),
    (
        "I've always wondered, what is an ecosystem?",
        "An ecosystem is a community of living organisms interacting with each other and with "
        "their physical environment.",
        "An ecosystem is a computer program that simulates the weather for farmers.",
    ),
    (
        "What is cloud computing?",
        "Cloud computing means using servers, storage and software over the internet instead of "
        "running them on your own machines.",
        "Cloud computing means storing data on satellites that float among the clouds in the sky.",
    ),
    (
        "What is cholesterol?",
        "Cholesterol is a waxy, fat-like substance in the blood that the body uses to build cells "
        "and make hormones.",
        "Cholesterol is a type of sugar found only in fruit that gives it a sweet taste.",
    ),
    (
        "Explain what the Industrial Revolution was.",
        "The Industrial Revolution was the shift, starting in Britain in the eighteenth century, "
        "from hand production to machines and factories.",
        "The Industrial Revolution was a twentieth century movement that replaced factories with "
        "small home workshops across Asia.",
    ),
    (
        "Can you explain what a haiku is?",
        "A haiku is a short Japanese poem of three lines, traditionally with five, seven and five "
        "syllables.",
        "A haiku is a long Italian poem of fourteen lines with a strict rhyme scheme.",
    ),
    (
        "Describe the Moon.",
        "The Moon is Earth's only natural satellite, a rocky body that orbits our planet about "
        "once a month and reflects sunlight.",
        "The Moon is a small star that produces its own light and orbits the Earth once a year.",
    ),
    (
        "Tell me about the Nile River.",
        "The Nile is a major river in northeastern Africa that flows north into the Mediterranean "
        "and is one of the longest rivers on Earth.",
        "The Nile is a short river in South America that flows south into the Pacific Ocean.",
    ),
    (
        "What is meant by a budget?",
        "A budget is a plan that lists expected income and expenses over a period to guide "
        "spending and saving.",
        "A budget is a short-term bank loan that you must repay within one week.",
    ),
    (
        "What is an electron?",
        "An electron is a tiny, negatively charged particle found outside the nucleus of every "
        "atom.",
        "An electron is a positively charged particle found at the very center of every atom.",
    ),
    (
        "What exactly is artificial intelligence?",
        "Artificial intelligence is the field of building computer systems that perform tasks "
        "normally requiring human intelligence, such as understanding speech.",
        "Artificial intelligence is a robot that has had a real human brain transplanted into it.",
    ),
    (
        "What does the term calorie mean?",
        "A calorie is a unit of energy, and in nutrition it measures how much energy food "
        "provides to the body.",
        "A calorie is a unit of weight used to measure how heavy a portion of food is.",
    ),
    (
        "Explain plate tectonics.",
        "Plate tectonics is the theory that Earth's outer shell is split into large plates that "
        "slowly move over the mantle.",
        "Plate tectonics is the theory that continents float on the ocean surface and drift back "
        "and forth with the tides.",
    ),
    (
        "Can you explain what a sonnet is?",
        "A sonnet is a fourteen-line poem with a set rhyme scheme, often written in iambic "
        "pentameter.",
        "A sonnet is a short piece of music with no words that is played only on the piano.",
    ),
    (
        "Describe the Roman Empire.",
        "The Roman Empire was a vast ancient state centered on Rome that ruled the Mediterranean "
        "world for several centuries.",
        "The Roman Empire was a small medieval kingdom in Scandinavia that lasted only a few "
        "decades.",
    ),
    (
        "Tell me about Mount Everest.",
        "Mount Everest, on the border of Nepal and China, is the highest mountain above sea level "
        "on Earth.",
        "Mount Everest is the tallest mountain in the Alps and is located in Switzerland.",
    ),
    (
        "What is meant by a recession?",
        "A recession is a significant, widespread decline in economic activity that lasts more "
        "than a few months.",
        "A recession is a short holiday period when all banks close so they can count their money.",
    ),
    (
        "What is a cell in biology?",
        "A cell is the smallest basic unit of life, enclosed by a membrane and containing the "
        "machinery to live and reproduce.",
        "A cell is a hollow chamber inside bones that stores calcium for later use.",
    ),
    (
        "What is a password manager?",
        "A password manager is software that securely stores your passwords and can generate "
        "strong, unique ones for each account.",
        "A password manager is a bank employee whose job is to remember customers' passwords for "
        "them.",
    ),
    (
        "What does protein mean in nutrition?",
        "Protein is a nutrient made of amino acids that the body uses to build and repair muscles "
        "and other tissues.",
        "Protein is a type of carbohydrate that gives the body energy only in the form of sugar.",
    ),
    (
        "Explain what a solar eclipse is.",
        "A solar eclipse happens when the Moon passes between the Earth and the Sun, blocking "
        "some or all of its light.",
        "A solar eclipse happens when the Earth's shadow falls across the Sun during the winter.",
    ),
    (
        "Can you explain what impressionism is?",
        "Impressionism is a nineteenth century art movement, begun in France, that captured light "
        "and fleeting moments with visible brushstrokes.",
        "Impressionism is an ancient Greek style of sculpture that focused on perfectly realistic "
        "marble faces.",
    ),
    (
        "Describe the Silk Road.",
        "The Silk Road was a network of ancient trade routes linking China with Central Asia, the "
        "Middle East and Europe.",
        "The Silk Road was a paved highway built in the nineteenth century to carry silk from "
        "France to India.",
    ),
    (
        "Tell me about the Pacific Ocean.",
        "The Pacific is the largest and deepest of Earth's oceans, lying between Asia and "
        "Australia and the Americas.",
        "The Pacific is the smallest of Earth's oceans and lies between Europe and Africa.",
    ),
    (
        "What is meant by diversification in investing?",
        "Diversification means spreading money across different investments so that a loss in one "
        "does not ruin the whole portfolio.",
        "Diversification means putting all of your money into the single stock that has done best "
        "recently.",
    ),
    (
        "What is a gene?",
        "A gene is a section of DNA that carries the instructions for making a particular protein "
        "or trait.",
        "A gene is a type of white blood cell that fights infections in the body.",
    ),
    (
        "What is encryption?",
        "Encryption is the process of scrambling data with a key so that only authorized people "
        "can read it.",
        "Encryption is the process of compressing files so that they take up less disk space.",
    ),
    (
        "What does hydration mean for the body?",
        "Hydration means having enough water in the body to keep organs, temperature and "
        "circulation working properly.",
        "Hydration means the body's ability to produce its own water from the air it breathes in.",
    ),
    (
        "Explain the greenhouse effect.",
        "The greenhouse effect is the warming of Earth's surface caused by atmospheric gases "
        "trapping heat radiated from the ground.",
        "The greenhouse effect is the cooling of the planet caused by glass buildings reflecting "
        "sunlight back into space.",
    ),
    (
        "Can you explain what jazz is?",
        "Jazz is a music genre that arose in African American communities in New Orleans, known "
        "for swing, blue notes and improvisation.",
        "Jazz is a classical European music style that strictly forbids any form of improvisation.",
    ),
    (
        "Describe the pyramids of Giza.",
        "The pyramids of Giza are massive stone tombs built for Egyptian pharaohs more than four "
        "thousand years ago near modern Cairo.",
        "The pyramids of Giza are hollow temples that the Romans built about five hundred years "
        "ago.",
    ),
    (
        "Tell me about Antarctica.",
        "Antarctica is the icy continent surrounding the South Pole and is the coldest, windiest "
        "and driest continent on Earth.",
        "Antarctica is a warm tropical island near the equator that is covered in dense forests.",
    ),
    (
        "What is meant by a credit score?",
        "A credit score is a number that estimates how likely you are to repay borrowed money, "
        "based on your credit history.",
        "A credit score is the total amount of money you currently have saved in your bank "
        "account.",
    ),
    (
        "What is a virus?",
        "A virus is a tiny infectious agent that can only reproduce by entering and hijacking the "
        "cells of a living host.",
        "A virus is a type of bacteria that can always be cured with ordinary antibiotics.",
    ),
    (
        "What is a spreadsheet?",
        "A spreadsheet is a program that organizes data in rows and columns and can calculate "
        "results using formulas.",
        "A spreadsheet is a program used only for writing letters and formatting long essays.",
    ),
    (
        "What does the term biodiversity mean?",
        "Biodiversity is the variety of life in a place, including the range of species, genes "
        "and ecosystems.",
        "Biodiversity is the number of different rocks and minerals that can be found in a region.",
    ),
    (
        "Explain what a light-year is.",
        "A light-year is the distance that light travels in one year, about nine and a half "
        "trillion kilometers.",
        "A light-year is the amount of time it takes for the Earth to orbit the Sun once.",
    ),
    (
        "Can you explain what an orchestra is?",
        "An orchestra is a large group of musicians playing string, woodwind, brass and "
        "percussion instruments together, usually led by a conductor.",
        "An orchestra is a solo performance given by a single pianist in a concert hall.",
    ),
    (
        "Describe the printing press.",
        "The printing press, developed in Europe by Johannes Gutenberg around 1440, used movable "
        "type to mass-produce books and spread knowledge.",
        "The printing press was invented in the twentieth century only to print photographs in "
        "newspapers.",
    ),
    (
        "Tell me about the Alps.",
        "The Alps are a major European mountain range stretching across countries including "
        "France, Switzerland, Italy and Austria.",
        "The Alps are a low range of grassy hills in southern Australia.",
    ),
    (
        "What is meant by a stock?",
        "A stock is a share of ownership in a company, and its value can rise or fall over time.",
        "A stock is a loan you give to a bank that always pays a fixed and guaranteed return.",
    ),
    (
        "What is a neuron?",
        "A neuron is a nerve cell that transmits information through electrical and chemical "
        "signals in the nervous system.",
        "A neuron is a type of muscle cell that stores fat for energy.",
    ),
    (
        "What is open-source software?",
        "Open-source software is software whose source code is publicly available for anyone to "
        "read, modify and share under its license.",
        "Open-source software is any program that can be downloaded for free, even if its code is "
        "kept secret.",
    ),
    (
        "What does the term sleep hygiene mean?",
        "Sleep hygiene refers to habits and surroundings that promote good sleep, like a regular "
        "schedule and a dark, quiet bedroom.",
        "Sleep hygiene means washing your bedsheets every single night before you go to sleep.",
    ),
    (
        "Explain what an earthquake is.",
        "An earthquake is the sudden shaking of the ground caused by rocks slipping along faults "
        "in the Earth's crust.",
        "An earthquake is caused by heavy rainfall soaking into the ground and making it vibrate.",
    ),
    (
        "Can you explain what a symphony is?",
        "A symphony is an extended musical composition for orchestra, usually written in several "
        "movements.",
        "A symphony is a short folk song sung by one person without any instruments.",
    ),
    (
        "Describe the Apollo 11 mission.",
        "Apollo 11 was the 1969 NASA mission that first landed humans, Neil Armstrong and Buzz "
        "Aldrin, on the Moon.",
        "Apollo 11 was the 1959 Soviet mission that sent the first dog to the surface of Mars.",
    ),
    (
        "Tell me about Iceland.",
        "Iceland is a Nordic island nation in the North Atlantic known for its volcanoes, "
        "glaciers, geysers and hot springs.",
        "Iceland is a large tropical island in the Pacific known for its deserts and palm trees.",
    ),
    (
        "What is meant by a mortgage?",
        "A mortgage is a loan used to buy property, where the property itself serves as security "
        "for the lender.",
        "A mortgage is the monthly fee you pay to a landlord for renting an apartment.",
    ),
    (
        "What is friction?",
        "Friction is the force that resists motion when two surfaces slide or try to slide "
        "against each other.",
        "Friction is the force that makes objects speed up whenever they touch each other.",
    ),
    (
        "What is a computer virus?",
        "A computer virus is malicious code that attaches to programs or files and spreads to "
        "other computers, often causing damage.",
        "A computer virus is a hardware fault caused by dust getting inside a computer's cooling "
        "fan.",
    ),
    (
        "What does dietary fiber mean?",
        "Dietary fiber is the part of plant foods the body cannot fully digest, which aids "
        "digestion and helps you feel full.",
        "Dietary fiber is a type of fat found in meat that the body burns first for energy.",
    ),
    (
        "Explain what a tsunami is.",
        "A tsunami is a series of huge ocean waves usually caused by an undersea earthquake or "
        "volcanic eruption.",
        "A tsunami is a strong wind storm that forms over deserts and carries sand across the "
        "oceans.",
    ),
    (
        "Can you explain what ballet is?",
        "Ballet is a formal, highly technical style of dance that developed in European courts "
        "and is performed to music.",
        "Ballet is a fast street dance that started in the 1990s and is always performed without "
        "music.",
    ),
    (
        "Describe the Titanic.",
        "The Titanic was a British passenger liner that sank in 1912 on its maiden voyage after "
        "striking an iceberg.",
        "The Titanic was a warship that sank in 1945 after a battle in the Pacific Ocean.",
    ),
    (
        "Tell me about Tokyo.",
        "Tokyo is the capital of Japan and one of the largest metropolitan areas in the world.",
        "Tokyo is a small fishing village in southern China known mainly for its rice fields.",
    ),
    (
        "What is meant by a monopoly in economics?",
        "A monopoly is a market where a single company is the only seller of a product with no "
        "close substitutes.",
        "A monopoly is a market with so many sellers that no single company can affect prices.",
    ),
    (
        "What is energy in physics?",
        "Energy is the capacity to do work, and it can change from one form to another but is "
        "never created or destroyed.",
        "Energy is a type of matter that can be weighed on a scale in kilograms.",
    ),
    (
        "What is a search engine?",
        "A search engine is a program that indexes web pages and returns relevant results when "
        "you type in a query.",
        "A search engine is a small motor inside computers that spins to find lost files on the "
        "hard drive.",
    ),
    (
        "What does blood pressure mean?",
        "Blood pressure is the force of circulating blood pushing against the walls of the "
        "arteries as the heart pumps.",
        "Blood pressure is the total weight of all the blood in your body measured in kilograms.",
    ),
    (
        "Explain what a rainbow is.",
        "A rainbow is an arc of colors formed when sunlight is refracted, reflected and dispersed "
        "inside water droplets.",
        "A rainbow is a band of colored gas that appears when clouds release stored sunlight "
        "after rain.",
    ),
    (
        "Can you explain what a novel is?",
        "A novel is a long work of fictional prose that tells a story through characters and "
        "events.",
        "A novel is a short rhyming poem of a few lines written for young children.",
    ),
    (
        "Describe the ancient Olympic Games.",
        "The ancient Olympic Games were athletic festivals held every four years at Olympia in "
        "Greece, beginning around 776 BC.",
        "The ancient Olympic Games were held in Rome every single year to celebrate the harvest "
        "season.",
    ),
    (
        "Tell me about the Grand Canyon.",
        "The Grand Canyon is a deep, steep-sided gorge in Arizona carved by the Colorado River "
        "over millions of years.",
        "The Grand Canyon is a man-made canal in Texas that was dug to carry water to farms.",
    ),
    (
        "What is meant by a tax?",
        "A tax is a compulsory payment that governments collect from people and businesses to "
        "fund public services.",
        "A tax is an optional gift that people give to their bank at the end of each year.",
    ),
    (
        "What is a molecule?",
        "A molecule is a group of two or more atoms bonded together, such as water made of "
        "hydrogen and oxygen.",
        "A molecule is a single atom that has lost all of its electrons.",
    ),
    (
        "What is a smartphone?",
        "A smartphone is a mobile phone with a touchscreen, internet access and apps that works "
        "like a small computer.",
        "A smartphone is a landline telephone that can only be used to make voice calls.",
    ),
    (
        "What does aerobic exercise mean?",
        "Aerobic exercise is sustained activity, such as running or swimming, that raises your "
        "heart rate and uses oxygen for energy.",
        "Aerobic exercise is any exercise done while holding your breath to build lung strength.",
    ),
    (
        "Explain what a comet is.",
        "A comet is an icy body that orbits the Sun and grows a glowing tail of gas and dust when "
        "it comes close.",
        "A comet is a falling star that burns up in the Earth's atmosphere every night.",
    ),
    (
        "Can you explain what a sculpture is?",
        "A sculpture is a three-dimensional work of art made by carving, modeling, casting or "
        "assembling materials.",
        "A sculpture is a flat picture painted with watercolors on a sheet of paper.",
    ),
    (
        "Describe what the Wright brothers achieved.",
        "In 1903, Orville and Wilbur Wright made the first controlled, sustained, powered "
        "airplane flight near Kitty Hawk, North Carolina.",
        "The Wright brothers invented the first hot air balloon and flew it over Paris in 1783.",
    ),
    (
        "Tell me about Venice.",
        "Venice is a city in northeastern Italy built on small islands in a lagoon and famous for "
        "its canals.",
        "Venice is a desert city in southern Spain that is known for its large sand dunes.",
    ),
    (
        "What is meant by an interest rate?",
        "An interest rate is the percentage a lender charges a borrower for the use of money, "
        "usually stated per year.",
        "An interest rate is the speed at which a bank processes your loan application.",
    ),
    (
        "What is evaporation?",
        "Evaporation is the process by which a liquid turns into a gas, usually when it is heated "
        "or exposed to air.",
        "Evaporation is the process by which a gas turns directly into a solid when it is cooled.",
    ),
    (
        "What is a firewall in computing?",
        "A firewall is a security system that monitors and filters network traffic based on rules "
        "to block unauthorized access.",
        "A firewall is a heat shield inside a computer that stops the processor from catching "
        "fire.",
    ),
    (
        "What does the word vitamin mean?",
        "A vitamin is an organic compound that the body needs in small amounts for normal growth "
        "and function.",
        "A vitamin is a type of fat that the body needs in very large amounts to produce energy.",
    ),
    (
        "Explain what a glacier is.",
        "A glacier is a large, slow-moving mass of ice formed from snow compacted over many years.",
        "A glacier is a frozen lake that forms each winter and melts away completely every spring.",
    ),
    (
        "Can you explain what opera is?",
        "Opera is a dramatic art form in which a story is told through singing, accompanied by an "
        "orchestra and staged with sets.",
        "Opera is a style of silent theater in which actors tell a story using only gestures.",
    ),
    (
        "Describe the Stone Age.",
        "The Stone Age was the long prehistoric period when humans made tools mainly from stone, "
        "before metalworking spread.",
        "The Stone Age was a medieval era when all castles were built entirely out of stone.",
    ),
    (
        "Tell me about Australia.",
        "Australia is a country and continent in the Southern Hemisphere, known for its deserts, "
        "coral reefs and unique wildlife like kangaroos.",
        "Australia is a small island in the North Atlantic that is known mainly for its polar "
        "bears.",
    ),
    (
        "What is meant by an exchange rate?",
        "An exchange rate is the price of one currency expressed in terms of another currency.",
        "An exchange rate is the fee a shop charges to give you change for a large bill.",
    ),
    (
        "What is kinetic energy?",
        "Kinetic energy is the energy an object has because of its motion, and it depends on its "
        "mass and speed.",
        "Kinetic energy is the energy stored in an object while it is sitting completely still.",
    ),
    (
        "What is a URL?",
        "A URL is the address used to locate a resource, such as a web page, on the internet.",
        "A URL is a type of cable that connects a computer to a printer.",
    ),
    (
        "What does the term mindfulness mean?",
        "Mindfulness is the practice of paying calm, nonjudgmental attention to the present "
        "moment, including your thoughts and sensations.",
        "Mindfulness is the habit of planning every minute of your future in precise detail.",
    ),
    (
        "Explain what a hurricane is.",
        "A hurricane is a powerful rotating tropical storm with strong winds and heavy rain that "
        "forms over warm ocean water.",
        "A hurricane is a cold dust storm that forms over frozen deserts in the middle of winter.",
    ),
    (
        "Can you explain what a mosaic is?",
        "A mosaic is an artwork made by arranging small pieces of colored stone, glass or tile "
        "into a pattern or image.",
        "A mosaic is a painting made with a single brushstroke of one color.",
    ),
    (
        "Describe the invention of the telephone.",
        "The telephone, patented by Alexander Graham Bell in 1876, turned sound into electrical "
        "signals to carry voices over wires.",
        "The telephone was invented by Thomas Edison in 1920 to send written messages by radio.",
    ),
    (
        "Tell me about the Mediterranean Sea.",
        "The Mediterranean is a sea connected to the Atlantic and surrounded by southern Europe, "
        "North Africa and western Asia.",
        "The Mediterranean is a freshwater lake in the middle of Russia that is surrounded by "
        "forests.",
    ),
)
