"""Hand-written content for the alignkit demo preference dataset.

The demo dataset teaches a "house style": answer in ONE short, complete sentence
(at most 25 words), with no preamble and no filler. Each item below is a triple
``(question, answer, wrong_answer)``:

- ``question`` is phrased the way a user might ask a chatty assistant, so that an
  untuned model tends to reply at length.
- ``answer`` is a factually correct, single-sentence reply in the house style.
- ``wrong_answer`` is a single, confidently stated sentence that is false (a
  misconception or bad but harmless advice).

Every answer and wrong answer is one plain-ASCII sentence of 8-25 words ending in a
period. The three groups cover different question shapes:

- ``WHAT``: definitions and descriptions of concepts (science, technology, everyday
  life, geography, history, arts, health, economics).
- ``HOW``: practical how-to questions and requests for tips.
- ``WHY``: "Why ...?" and "How does ... work?" explanations.

``ITEMS`` is the concatenation of all three groups. This module holds data only;
turning the triples into preference pairs is left to the dataset builder.
"""

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

HOW = (
    (
        "How do I keep basil fresh?",
        "Trim the stems and keep basil in a glass of water on the counter, loosely covered and "
        "out of direct sun.",
        "Store basil in the freezer in a plastic bag to keep it crisp for months.",
    ),
    (
        "How can I improve my sleep?",
        "Keep a consistent sleep schedule, limit screens and caffeine in the evening, and sleep "
        "in a dark, cool, quiet room.",
        "Drink a large coffee right before bed so your body gets tired faster and sleeps more "
        "deeply.",
    ),
    (
        "What's the best way to learn a new language?",
        "Practice a little every day, combining vocabulary study with listening and speaking with "
        "native speakers as early as possible.",
        "Memorize the whole dictionary in alphabetical order before you try to say a single "
        "sentence.",
    ),
    (
        "Give me tips for saving money on groceries.",
        "Plan meals for the week, shop with a list, and compare unit prices instead of buying on "
        "impulse.",
        "Always shop when you are very hungry so that you buy everything in bulk at once.",
    ),
    (
        "How do I hard-boil an egg?",
        "Simmer the egg in boiling water for about ten to twelve minutes, then cool it in cold "
        "water before peeling.",
        "Boil the egg for just thirty seconds and it will be fully hard all the way through.",
    ),
    (
        "How can I remember people's names better?",
        "Repeat the person's name when you meet them and link it to a memorable detail about them.",
        "Avoid saying the person's name at all, since repeating a name makes your brain forget it "
        "faster.",
    ),
    (
        "How do I make my phone battery last longer?",
        "Lower the screen brightness, close power-hungry apps, and turn off location and "
        "Bluetooth when you do not need them.",
        "Keep the screen brightness at maximum all day, since bright screens use less battery "
        "power.",
    ),
    (
        "What's the best way to study for an exam?",
        "Spread study sessions over several days and test yourself with practice questions rather "
        "than just rereading your notes.",
        "Read your notes once the night before, since cramming at the last minute is the most "
        "reliable method.",
    ),
    (
        "How do I unclog a sink drain?",
        "Try a plunger first, then remove and clean the trap under the sink if the clog remains.",
        "Pour cooking grease down the drain to lubricate the pipe so the clog slides out.",
    ),
    (
        "Give me tips for running my first 5K.",
        "Build up gradually with a run-walk plan over several weeks and start the race at a "
        "comfortable, steady pace.",
        "Skip training entirely and sprint as fast as you can from the start so you finish sooner.",
    ),
    (
        "How can I reduce stress at work?",
        "Break big tasks into small steps, take short regular breaks, and set clear boundaries on "
        "your working hours.",
        "Take on every extra task you are offered, since a busier schedule naturally lowers "
        "stress.",
    ),
    (
        "How do I write a good resume?",
        "Keep it to one or two pages, tailor it to the job, and describe your achievements with "
        "specific results.",
        "Make it at least ten pages long and describe every job you have ever had in equal detail.",
    ),
    (
        "What's the best way to keep bread from going stale?",
        "Store bread at room temperature in a bread box or paper bag, and freeze any slices you "
        "will not eat soon.",
        "Keep bread in the refrigerator, because the cold keeps it soft and fresh much longer.",
    ),
    (
        "How can I help a houseplant thrive?",
        "Give it the right amount of light for its species and water it only when the top of the "
        "soil feels dry.",
        "Water every houseplant heavily twice a day, no matter what kind of plant it is.",
    ),
    (
        "Give me tips for a successful job interview.",
        "Research the company, prepare concrete examples of your past work, and arrive a few "
        "minutes early.",
        "Avoid learning anything about the company so that your answers sound more spontaneous.",
    ),
    (
        "How do I remove a red wine stain from a shirt?",
        "Blot the stain, rinse it from the back with cold water, then treat it with detergent "
        "before washing.",
        "Rub the stain hard with very hot water right away, since heat lifts wine out of fabric "
        "best.",
    ),
    (
        "How can I drink more water during the day?",
        "Carry a reusable water bottle and take a few sips each time you finish a task or a meal.",
        "Wait until you feel extremely thirsty, then drink as much as you can in one go.",
    ),
    (
        "What's the best way to organize a messy closet?",
        "Take everything out, donate what you no longer wear, and group the remaining items by "
        "type.",
        "Push everything to the back and buy more hangers so that the mess stays hidden.",
    ),
    (
        "How do I start a budget?",
        "List your monthly income and expenses, then set spending limits for each category and "
        "track them.",
        "Spend freely for a whole year and then look at your bank balance at the end.",
    ),
    (
        "Give me tips for taking better photos with my phone.",
        "Clean the lens, use natural light, and follow the rule of thirds when framing your "
        "subject.",
        "Always use maximum digital zoom and shoot straight into bright sunlight for the sharpest "
        "images.",
    ),
    (
        "How can I speak more confidently in public?",
        "Practice your talk out loud several times, know your opening well, and slow down when "
        "you speak.",
        "Never rehearse, because practicing a speech only makes you more nervous on stage.",
    ),
    (
        "How do I care for a cast iron pan?",
        "Clean it with hot water and a brush, dry it immediately, and rub in a thin layer of oil.",
        "Soak it in soapy water overnight and let it air dry slowly to keep it from rusting.",
    ),
    (
        "What's the best way to get rid of fruit flies?",
        "Remove overripe fruit and set out a small dish of cider vinegar with a drop of dish soap "
        "as a trap.",
        "Leave extra ripe bananas on the counter so the flies fill up and leave on their own.",
    ),
    (
        "How can I focus better while studying?",
        "Put your phone in another room and work in focused blocks of about twenty-five minutes "
        "with short breaks.",
        "Keep all your phone notifications on so that you stay alert while you study.",
    ),
    (
        "Give me tips for packing a suitcase efficiently.",
        "Roll your clothes, pack heavy items near the wheels, and use small bags to group "
        "toiletries and accessories.",
        "Fold every item loosely and pack the heaviest things at the very top for balance.",
    ),
    (
        "How do I make a good cup of tea?",
        "Pour freshly boiled water over a tea bag or loose leaves and let it steep for three to "
        "five minutes.",
        "Put the tea bag in cold tap water and leave it for ten seconds before drinking.",
    ),
    (
        "How can I keep my computer secure?",
        "Install updates promptly, use strong unique passwords, and turn on two-factor "
        "authentication for important accounts.",
        "Use the same simple password everywhere so that you never get locked out of anything.",
    ),
    (
        "What's the best way to ripen an avocado?",
        "Put the avocado in a paper bag with a banana or apple at room temperature for a day or "
        "two.",
        "Put the avocado in the refrigerator overnight, since the cold speeds up ripening.",
    ),
    (
        "How do I write a polite email to a professor?",
        "Use a clear subject line, address them by their title, state your request briefly, and "
        "thank them for their time.",
        "Skip the greeting and subject line and write the whole request in capital letters so it "
        "stands out.",
    ),
    (
        "Give me tips for staying warm in winter.",
        "Dress in layers, keep your head and hands covered, and choose wool or synthetic fabrics "
        "over cotton.",
        "Wear a single thick cotton layer, since cotton keeps you warm even when it gets wet.",
    ),
    (
        "How can I get better at chess?",
        "Study basic tactics and openings, play regularly, and review your losses to learn from "
        "your mistakes.",
        "Always move your king out first, since an active king wins most games in the opening.",
    ),
    (
        "How do I clean a microwave easily?",
        "Heat a bowl of water with lemon juice for a few minutes, then wipe away the loosened "
        "grime.",
        "Spray the inside with cooking oil so that the grime slides off on its own over time.",
    ),
    (
        "What's the best way to learn to type faster?",
        "Learn proper finger placement on the home row and practice regularly, focusing on "
        "accuracy before speed.",
        "Look at the keyboard constantly and use only two fingers, since that is the fastest "
        "method.",
    ),
    (
        "How can I make friends in a new city?",
        "Join clubs, classes or volunteer groups around your interests and keep showing up "
        "regularly.",
        "Stay at home and wait, since people in a new city usually come knocking to introduce "
        "themselves.",
    ),
    (
        "Give me tips for writing a clear essay.",
        "State your main argument early, give each paragraph one clear point, and support it with "
        "evidence.",
        "Hide your main argument until the last sentence so the reader stays curious the whole "
        "time.",
    ),
    (
        "How do I check my car's tire pressure?",
        "Use a tire gauge on the valve stem while the tires are cold and compare it with the "
        "pressure on the door jamb label.",
        "Just look at the tires, since a tire that looks round is always properly inflated.",
    ),
    (
        "How can I reduce my screen time?",
        "Set app time limits, turn off nonessential notifications, and keep your phone out of the "
        "bedroom.",
        "Put every app on your home screen and enable all notifications so that you finish tasks "
        "faster.",
    ),
    (
        "What's the best way to store potatoes?",
        "Keep potatoes in a cool, dark, well-ventilated place away from onions, rather than in "
        "the refrigerator.",
        "Store potatoes in a sealed plastic bag in direct sunlight so that they stay firm.",
    ),
    (
        "How do I make a good first impression?",
        "Be on time, make eye contact, smile, and show genuine interest by listening and asking "
        "questions.",
        "Talk only about yourself and avoid eye contact so that you seem mysterious and important.",
    ),
    (
        "Give me tips for growing tomatoes.",
        "Plant them in a sunny spot, water deeply and consistently at the base, and support the "
        "stems with stakes or cages.",
        "Plant tomatoes in deep shade and water only the leaves, since the roots do not need "
        "moisture.",
    ),
    (
        "How can I back up my photos?",
        "Keep copies in at least two places, such as an external drive and a cloud storage "
        "service.",
        "Keep all of your photos only on your phone, since phones never lose data.",
    ),
    (
        "How do I cook rice on the stove?",
        "Rinse the rice, simmer it covered in about twice its volume of water for around fifteen "
        "minutes, then let it rest.",
        "Boil the rice uncovered in a tiny splash of water on maximum heat for a full hour.",
    ),
    (
        "What's the best way to memorize vocabulary?",
        "Use spaced repetition flashcards and practice each new word in sentences over several "
        "days.",
        "Read a word list once very quickly, since the brain keeps everything it sees the first "
        "time.",
    ),
    (
        "How can I be more productive in the morning?",
        "Prepare the night before, wake up at a consistent time, and tackle your most important "
        "task first.",
        "Check social media for the first two hours of the day to warm up your brain before "
        "working.",
    ),
    (
        "Give me tips for negotiating a salary.",
        "Research typical pay for the role, ask for a specific figure backed by your experience, "
        "and be ready to discuss it.",
        "Accept the first offer immediately, since negotiating always makes employers withdraw "
        "the job.",
    ),
    (
        "How do I fold a fitted sheet?",
        "Tuck the corners into each other to form a rectangle, then fold it neatly into thirds "
        "and in half.",
        "Roll it into a tight ball, since a fitted sheet cannot be folded flat in any way.",
    ),
    (
        "How can I make my home more energy efficient?",
        "Seal drafts around windows and doors, add insulation, and switch to LED light bulbs.",
        "Leave the windows open with the heating on, since fresh air helps the heater work less.",
    ),
    (
        "What's the best way to clean windows without streaks?",
        "Use water with a little vinegar and wipe with a microfiber cloth or squeegee, ideally on "
        "a cloudy day.",
        "Clean windows with newspaper soaked in cooking oil in bright sunshine for the shiniest "
        "finish.",
    ),
    (
        "How do I introduce a new cat to my home?",
        "Start the cat in one quiet room with food, water and a litter box, then gradually let it "
        "explore.",
        "Let the cat loose in the whole house immediately and invite lots of guests over to greet "
        "it.",
    ),
    (
        "Give me tips for reading more books.",
        "Carry a book with you, set a small daily page goal, and read before bed instead of "
        "scrolling.",
        "Only read when you have at least five free hours in a row, since short sessions are "
        "pointless.",
    ),
    (
        "How can I improve my handwriting?",
        "Slow down, hold the pen with a relaxed grip, and practice letter shapes regularly on "
        "lined paper.",
        "Write as fast as possible with a tight fist grip, since speed automatically makes "
        "letters neater.",
    ),
    (
        "How do I make a simple vinaigrette?",
        "Whisk about three parts oil with one part vinegar, then season with salt, pepper and a "
        "little mustard.",
        "Mix equal parts water and sugar, since oil and vinegar never belong in a salad dressing.",
    ),
    (
        "How can I stop hitting the snooze button?",
        "Put your alarm across the room so you must get up to turn it off, and go to bed at a "
        "consistent time.",
        "Set ten alarms five minutes apart so that your body learns to wake up gradually.",
    ),
    (
        "Give me tips for decluttering my home.",
        "Work on one area at a time and keep only items you use or love, donating or recycling "
        "the rest.",
        "Buy extra storage boxes and keep absolutely everything, since decluttering always leads "
        "to regret.",
    ),
    (
        "How do I sharpen a kitchen knife?",
        "Use a whetstone or sharpener at a consistent angle of about fifteen to twenty degrees, "
        "then hone the edge.",
        "Rub the blade against a concrete floor in random directions to get the sharpest possible "
        "edge.",
    ),
    (
        "How can I keep cut flowers fresh longer?",
        "Trim the stems at an angle, remove leaves below the waterline, and change the water "
        "every couple of days.",
        "Keep cut flowers in a sealed bag without any water so they hold on to their own moisture.",
    ),
    (
        "What's the best way to prepare for a long flight?",
        "Wear comfortable layers, drink water regularly, and get up to stretch and walk around "
        "every hour or two.",
        "Drink several cups of strong coffee before boarding, since caffeine helps you sleep "
        "through the flight.",
    ),
    (
        "How do I fix a flat bike tire?",
        "Remove the wheel, lever off the tire, patch or replace the inner tube, then reseat the "
        "tire and inflate it.",
        "Fill the flat tire with water, since water is firmer than air and cannot leak out.",
    ),
    (
        "Give me tips for running a productive meeting.",
        "Share a clear agenda in advance, keep it short, and end with agreed action items and "
        "owners.",
        "Never share an agenda and let the meeting run for as long as anyone wants to talk.",
    ),
    (
        "How can I learn to cook?",
        "Start with a few simple recipes, follow them carefully, and gradually build basic skills "
        "like chopping and seasoning.",
        "Start with the most complex restaurant dishes, since simple recipes teach you nothing "
        "useful.",
    ),
    (
        "How do I keep my laptop from overheating?",
        "Use it on a hard, flat surface, keep the vents free of dust, and never block the airflow "
        "with blankets.",
        "Use the laptop on a soft pillow, since cushions absorb the heat coming from the machine.",
    ),
    (
        "What's the best way to build a daily habit?",
        "Attach the new habit to an existing routine, start very small, and track it each day.",
        "Try to change ten habits on the same day, since willpower grows stronger with every new "
        "rule.",
    ),
    (
        "How can I write a good thank-you note?",
        "Mention the specific gift or favor, say how it helped or made you feel, and keep it warm "
        "and brief.",
        "Send a generic note that never mentions the gift, since specific details seem insincere.",
    ),
    (
        "Give me tips for keeping a conversation going.",
        "Ask open-ended questions, listen closely, and follow up on details the other person "
        "mentions.",
        "Answer every question with a single word and change the subject as often as possible.",
    ),
    (
        "How do I get wrinkles out of clothes without an iron?",
        "Hang the clothes in a steamy bathroom during a hot shower, or smooth them with a damp "
        "towel and a hair dryer.",
        "Put the clothes in the freezer overnight, since cold air flattens wrinkles completely.",
    ),
    (
        "How can I save money on electricity?",
        "Switch off lights and devices when you are not using them, unplug idle chargers, and "
        "choose efficient appliances.",
        "Leave all the lights on all day, since switching them on and off uses more power than "
        "running them.",
    ),
    (
        "What's the best way to learn to play guitar?",
        "Learn a few basic chords, practice in short sessions every day, and play simple songs "
        "you enjoy.",
        "Study music theory for five years before touching a guitar so you never make a mistake.",
    ),
    (
        "How do I stop my glasses from fogging up?",
        "Make sure your mask fits snugly over your nose and wash the lenses with a little dish "
        "soap to reduce fogging.",
        "Breathe directly onto your lenses before going outside, since warm breath stops them "
        "from fogging.",
    ),
    (
        "Give me tips for hosting a dinner party.",
        "Plan a menu you can mostly prepare ahead, set the table early, and keep the dishes "
        "simple.",
        "Try several brand new, complicated recipes for the first time while your guests are "
        "arriving.",
    ),
    (
        "How can I become a better listener?",
        "Give the speaker your full attention, avoid interrupting, and summarize what they said "
        "to confirm you understood.",
        "Plan your reply while they talk and interrupt often to show that you are engaged.",
    ),
    (
        "How do I make coffee with a French press?",
        "Add coarse grounds, pour in water just off the boil, steep for about four minutes, then "
        "press the plunger slowly.",
        "Use finely powdered coffee and press the plunger immediately after pouring for the best "
        "taste.",
    ),
    (
        "How should I answer an interview question about my weaknesses?",
        "Name a real but manageable weakness and explain the concrete steps you are taking to "
        "improve it.",
        "Say that you have no weaknesses at all, since interviewers always believe that answer.",
    ),
    (
        "How can I keep my kitchen sponge clean?",
        "Rinse and wring it out after each use, let it dry completely, and replace it every week "
        "or two.",
        "Keep the sponge soaking in a bowl of water all day so that the bacteria drown.",
    ),
    (
        "Give me tips for staying organized at school.",
        "Use a planner for deadlines, keep one folder per subject, and review your tasks every "
        "evening.",
        "Keep all your papers in one loose pile so that you always know where everything is.",
    ),
    (
        "How do I plant a tree?",
        "Dig a hole about twice as wide as the root ball but no deeper, set the tree in, "
        "backfill, and water well.",
        "Dig a very deep, narrow hole and bury the trunk several feet below the surface to keep "
        "it stable.",
    ),
    (
        "How can I get rid of hiccups?",
        "Try sipping cold water slowly or holding your breath for a short while, and they usually "
        "pass quickly.",
        "Hiccups can only be cured by standing on one foot until they stop on their own.",
    ),
    (
        "What's the best way to clean white sneakers?",
        "Scrub them with a soft brush, warm water and mild soap, then let them air dry away from "
        "direct heat.",
        "Soak them in black coffee overnight, which bleaches the fabric a bright white.",
    ),
    (
        "How do I create a strong password?",
        "Use a long passphrase of several random words, or let a password manager generate long, "
        "unique passwords.",
        "Use your birthday followed by your name, since personal details are the hardest for "
        "others to guess.",
    ),
    (
        "Give me tips for planning a long road trip.",
        "Plan your route and rest stops, check the car's tires and fluids, and pack snacks and "
        "water.",
        "Never look at the route in advance, since maps are always wrong about long trips.",
    ),
    (
        "How can I improve my posture at a desk?",
        "Set your screen at eye level, keep your feet flat on the floor, and support your lower "
        "back with your chair.",
        "Put your screen on the floor so you look down all day, which strengthens your neck.",
    ),
    (
        "How do I keep a cut avocado from turning brown?",
        "Brush the cut surface with lemon or lime juice and wrap it tightly before putting it in "
        "the refrigerator.",
        "Leave the cut avocado uncovered in the sun so the fresh air keeps it green.",
    ),
    (
        "What's the best way to learn to code?",
        "Pick one beginner-friendly language, build small projects, and practice writing code "
        "regularly.",
        "Memorize the full manual of every programming language before writing any code of your "
        "own.",
    ),
    (
        "How can I reduce food waste at home?",
        "Plan your meals, store food properly, use up leftovers, and freeze items before they "
        "spoil.",
        "Buy as much fresh food as possible each week, since having more choice means less waste.",
    ),
    (
        "Give me tips for writing a cover letter.",
        "Address it to a specific person if possible, connect your experience to the job, and "
        "keep it to one page.",
        "Copy your resume word for word into the letter and make it at least five pages long.",
    ),
    (
        "How do I get better at drawing?",
        "Draw a little every day, study basic shapes and proportions, and sketch from real life.",
        "Only trace other people's drawings, since drawing from real life teaches you nothing.",
    ),
    (
        "How can I make my morning commute less stressful?",
        "Leave a few minutes early, pack your bag the night before, and use the time for music or "
        "podcasts.",
        "Leave at the last possible second every day, since rushing makes the commute feel "
        "shorter.",
    ),
    (
        "What's the best way to keep cookies soft?",
        "Store them in an airtight container with a slice of bread, which helps keep the moisture "
        "in.",
        "Leave the cookies uncovered on a plate overnight, since fresh air keeps them soft and "
        "chewy.",
    ),
    (
        "How do I choose a ripe watermelon?",
        "Look for a creamy yellow spot where it rested on the ground and pick one that feels "
        "heavy for its size.",
        "Pick the lightest watermelon with a pure white spot, since light melons are always the "
        "juiciest.",
    ),
    (
        "Give me tips for keeping a journal.",
        "Write at the same time each day, keep entries short, and do not worry about perfect "
        "grammar.",
        "Only write when something extraordinary happens, and rewrite every entry until it is "
        "perfect.",
    ),
    (
        "How can I improve my Wi-Fi signal?",
        "Place the router in a central, raised spot away from thick walls and appliances, and "
        "keep its firmware updated.",
        "Hide the router inside a metal cabinet, since metal boosts the wireless signal.",
    ),
    (
        "How do I remove chewing gum from clothes?",
        "Harden the gum with an ice cube or in the freezer, then scrape it off with a dull knife.",
        "Iron the gum on high heat, which makes it evaporate out of the fabric.",
    ),
    (
        "What's the best way to learn a piece of music by heart?",
        "Break it into short sections, master each one slowly, then gradually join them together.",
        "Play the whole piece at full speed over and over, since slow practice weakens memory.",
    ),
    (
        "How can I wake up feeling more refreshed?",
        "Get enough sleep on a regular schedule and expose yourself to natural light soon after "
        "waking.",
        "Sleep as little as possible on weekdays and catch up with sixteen hours of sleep on "
        "Sundays.",
    ),
    (
        "Give me tips for moving to a new apartment.",
        "Start packing early, label boxes by room, and book movers or a van well in advance.",
        "Wait until moving day to start packing, since last-minute packing is always the fastest.",
    ),
    (
        "How do I keep brown sugar from hardening?",
        "Store it in an airtight container, ideally with a slice of bread or a soaked terracotta "
        "disk.",
        "Store brown sugar uncovered in the refrigerator, which keeps it soft indefinitely.",
    ),
    (
        "How can I stop procrastinating?",
        "Break the task into tiny first steps, set a short timer, and start with the easiest part "
        "right away.",
        "Wait until you feel completely motivated, since motivation always arrives well before a "
        "deadline.",
    ),
    (
        "What's the best way to apologize to someone?",
        "Say sorry sincerely, name exactly what you did wrong, and explain how you will make it "
        "right.",
        "Apologize vaguely and then explain why the other person was actually at fault.",
    ),
    (
        "How do I care for a succulent?",
        "Give it bright light and well-draining soil, and water it only once the soil has dried "
        "out completely.",
        "Keep succulents in a dark closet and water them every day like ferns.",
    ),
    (
        "Give me tips for beating jet lag.",
        "Switch to the local schedule right away, get daylight in the morning, and avoid long "
        "daytime naps.",
        "Stay on your home time zone for the whole trip by sleeping through the local daytime.",
    ),
    (
        "How can I keep my shoes from smelling?",
        "Let them dry fully between wears, wear clean socks, and sprinkle baking soda inside them "
        "overnight.",
        "Wear the same damp pair of shoes every day, since moisture washes the smell away.",
    ),
    (
        "How do I make a good cup of hot chocolate?",
        "Warm milk gently and whisk in cocoa powder, sugar and a pinch of salt until smooth.",
        "Stir cocoa powder into cold water and microwave it for ten minutes until it thickens.",
    ),
    (
        "What's the best way to pay off debt?",
        "List your debts, pay the minimum on each, and put any extra money toward the "
        "highest-interest debt first.",
        "Pay nothing until all of your debts are due, since interest stops growing after a year.",
    ),
    (
        "How can I make a small room look bigger?",
        "Use light colors, add a large mirror, and keep furniture minimal and out of the walkways.",
        "Paint everything dark and fill the room with large furniture to make it feel open.",
    ),
    (
        "Give me tips for giving constructive feedback.",
        "Be specific about the behavior, explain its impact, and suggest a clear way to improve.",
        "Keep feedback vague and general so that the person has to guess what you meant.",
    ),
    (
        "How do I keep lettuce crisp?",
        "Wrap washed and dried lettuce in a paper towel and store it in a container in the "
        "refrigerator.",
        "Store lettuce on a sunny windowsill in a sealed jar of warm water.",
    ),
    (
        "How can I learn to meditate?",
        "Sit comfortably for a few minutes each day, focus on your breathing, and gently return "
        "to it when your mind wanders.",
        "Meditate only in three-hour sessions, since shorter sessions have no effect at all.",
    ),
    (
        "What's the best way to compare two job offers?",
        "Compare total pay, benefits, growth opportunities, commute and work culture, not just "
        "the base salary.",
        "Choose whichever offer arrived first, since the first company to call always pays best.",
    ),
    (
        "How do I get candle wax off a tablecloth?",
        "Let the wax harden, scrape off the excess, then cover it with paper towels and press "
        "with a warm iron.",
        "Soak the wax in olive oil overnight, which dissolves it and leaves no stain behind.",
    ),
    (
        "Give me tips for making homemade pizza dough.",
        "Use bread flour, knead the dough until smooth and elastic, and let it rise until it has "
        "doubled.",
        "Skip kneading and bake the dough immediately, since yeast works best with no rising time.",
    ),
    (
        "How can I keep my car's paint looking new?",
        "Wash it regularly with car shampoo, dry it with a microfiber towel, and apply wax every "
        "few months.",
        "Scrub the car with steel wool every week, since abrasion keeps the paint glossy.",
    ),
)

WHY = (
    (
        "Why is the sky blue?",
        "Air molecules scatter short blue wavelengths of sunlight much more than longer red ones, "
        "so blue light reaches us from every direction.",
        "The sky is blue because it reflects the color of the oceans.",
    ),
    (
        "How does a refrigerator keep food cold?",
        "A refrigerant absorbs heat inside the fridge as it evaporates, then releases that heat "
        "outside when the compressor condenses it.",
        "A refrigerator makes cold air by blowing tiny ice crystals into the compartment through "
        "its vents.",
    ),
    (
        "Why do leaves change color in autumn?",
        "As days shorten, trees stop making green chlorophyll, revealing yellow and orange "
        "pigments and producing red ones in some species.",
        "Leaves change color because the cold air freezes them and stains them red and yellow.",
    ),
    (
        "Why do we have seasons?",
        "Seasons happen because Earth's axis is tilted, so each hemisphere receives more direct "
        "sunlight during part of the year.",
        "Seasons happen because Earth moves much closer to the Sun in summer and much farther "
        "away in winter.",
    ),
    (
        "How does a microwave oven heat food?",
        "It produces microwaves that make water molecules in the food rotate back and forth "
        "rapidly, and that motion generates heat.",
        "A microwave heats food by making it slightly radioactive, which warms it from the inside.",
    ),
    (
        "Why does ice float on water?",
        "Ice is less dense than liquid water because its molecules lock into an open crystal "
        "structure when they freeze.",
        "Ice floats because it is full of trapped air bubbles that act like tiny balloons.",
    ),
    (
        "How does GPS know where I am?",
        "A GPS receiver times signals from several satellites and calculates its position from "
        "the distances to them.",
        "GPS works by a satellite camera photographing you and matching your location to a map.",
    ),
    (
        "Why do we need sleep?",
        "Sleep lets the body and brain restore themselves, consolidate memories, and regulate "
        "hormones and other vital processes.",
        "We sleep only because darkness makes it impossible for the body to keep moving.",
    ),
    (
        "How does an airplane stay in the air?",
        "Its wings are shaped and angled to push air downward, creating lift that balances the "
        "plane's weight as it moves forward.",
        "Airplanes stay up because the air at high altitude is thick enough to float on like "
        "water.",
    ),
    (
        "Why is the ocean salty?",
        "Rivers carry dissolved minerals from rocks into the sea, and evaporation leaves the "
        "salts behind, concentrating them over time.",
        "The ocean is salty because fish release salt into the water every time they breathe.",
    ),
    (
        "How does the heart pump blood?",
        "The heart muscle contracts rhythmically, squeezing blood through its chambers and valves "
        "into the arteries and around the body.",
        "The heart pumps blood by sucking it up from the feet using air pressure from the lungs.",
    ),
    (
        "Why do cats purr?",
        "Cats purr by rapidly twitching muscles in their larynx, often when content but sometimes "
        "to soothe themselves when stressed.",
        "Cats purr by vibrating their tails, which only happens when they are hungry.",
    ),
    (
        "How does a bicycle stay upright when it is moving?",
        "A moving bike stays upright mainly because the rider and the bike's geometry steer the "
        "front wheel back under its center of mass.",
        "A bicycle stays upright because its spinning wheels make it lighter than air.",
    ),
    (
        "Why do onions make you cry?",
        "Cutting an onion releases a sulfur compound that becomes a gas, which irritates your "
        "eyes and triggers tears.",
        "Onions make you cry because their strong smell reminds the brain of sad memories.",
    ),
    (
        "How does a battery store energy?",
        "A battery stores energy chemically and releases it as electricity when a reaction pushes "
        "electrons through an external circuit.",
        "A battery stores electricity as tiny sparks trapped inside a sealed metal tube.",
    ),
    (
        "Why does the Moon have phases?",
        "As the Moon orbits Earth, we see different portions of its sunlit half, which creates "
        "the changing phases.",
        "The Moon's phases are caused by Earth's shadow covering a different part of it each "
        "night.",
    ),
    (
        "How does soap clean your hands?",
        "Soap molecules have one end that attracts water and another that attracts oil, so they "
        "lift grease and germs off to be rinsed away.",
        "Soap cleans by heating your skin enough to burn off dirt and germs.",
    ),
    (
        "Why do we get goosebumps?",
        "Tiny muscles at the base of hair follicles contract when we are cold or emotional, "
        "making the hairs stand up.",
        "Goosebumps appear because the skin shrinks when blood drains away to the feet.",
    ),
    (
        "How does a compass work?",
        "A compass needle is a small magnet that lines up with Earth's magnetic field, pointing "
        "roughly toward magnetic north.",
        "A compass works because its needle is attracted to the North Star overhead.",
    ),
    (
        "Why does bread dough rise?",
        "Yeast ferments sugars in the dough and releases carbon dioxide gas, which gets trapped "
        "by gluten and makes the dough expand.",
        "Bread dough rises because the flour absorbs air from the kitchen and swells up like a "
        "sponge.",
    ),
    (
        "How does the internet send data?",
        "Data is split into small packets that travel separately across networks and are "
        "reassembled in order at their destination.",
        "The internet sends each file as one unbroken stream along a single dedicated cable to "
        "every computer.",
    ),
    (
        "Why do we yawn?",
        "Scientists are not fully sure, but yawning may help cool the brain and signal tiredness, "
        "and it is socially contagious.",
        "We yawn because the body has completely run out of oxygen and must restart its breathing.",
    ),
    (
        "How do plants drink water?",
        "Roots absorb water from the soil, and evaporation from the leaves pulls it upward "
        "through tiny tubes called xylem.",
        "Plants drink water only through their leaves, which soak it up directly from the rain.",
    ),
    (
        "Why do stars twinkle?",
        "Stars twinkle because turbulence in Earth's atmosphere constantly bends their light, "
        "making it appear to flicker.",
        "Stars twinkle because they switch their light on and off as they spin.",
    ),
    (
        "How does a thermostat work?",
        "A thermostat senses the room temperature and switches heating or cooling on or off to "
        "keep it near the set point.",
        "A thermostat works by producing heat itself whenever it senses that the room is empty.",
    ),
    (
        "Why do we have fingerprints?",
        "Fingerprint ridges may improve grip and touch sensitivity, and their unique patterns "
        "form randomly before birth.",
        "Fingerprints are scars left over from touching hot objects during early childhood.",
    ),
    (
        "How does a camera capture an image?",
        "A lens focuses light onto a sensor or film, which records the brightness and color at "
        "each point.",
        "A camera captures images by sending out a beam that bounces off objects like sonar.",
    ),
    (
        "Why does metal feel colder than wood in the same room?",
        "Metal conducts heat away from your skin much faster than wood, so it feels colder even "
        "at the same temperature.",
        "Metal feels colder because it always stays several degrees cooler than wood in the same "
        "room.",
    ),
    (
        "How do noise-cancelling headphones work?",
        "Microphones pick up outside sound, and the headphones play an inverted sound wave that "
        "cancels much of it out.",
        "They work by sealing the ears with a vacuum so that sound waves cannot travel inside.",
    ),
    (
        "Why do we sweat?",
        "Sweating cools the body, because heat is carried away as sweat evaporates from the skin.",
        "We sweat mainly to push excess fat out of the body through the skin.",
    ),
    (
        "How does a credit card work?",
        "A credit card lets you borrow money from the issuer to pay for purchases, which you "
        "repay later, often with interest.",
        "A credit card takes money directly from your savings and never needs to be repaid.",
    ),
    (
        "Why is blood red?",
        "Blood is red because of hemoglobin, an iron-containing protein in red blood cells that "
        "carries oxygen.",
        "Blood is only red once it touches the air, and inside the body it is actually blue.",
    ),
    (
        "How does a touchscreen work?",
        "Most phone touchscreens detect the small change in electrical charge caused when your "
        "conductive finger touches the glass.",
        "Touchscreens work by sensing the heat of your finger with tiny thermometers in the glass.",
    ),
    (
        "Why do birds migrate?",
        "Many birds migrate to follow food and favorable weather, breeding in one region and "
        "spending winter in a warmer one.",
        "Birds migrate because they forget where their nests are each year and must search for "
        "them again.",
    ),
    (
        "How does a solar panel make electricity?",
        "Solar cells contain semiconductor materials that release electrons when struck by "
        "sunlight, producing an electric current.",
        "Solar panels make electricity by trapping the Sun's heat in water and boiling it inside "
        "the panel.",
    ),
    (
        "Why does the Earth have a magnetic field?",
        "Moving molten iron in Earth's outer core generates electric currents that produce the "
        "planet's magnetic field.",
        "Earth is magnetic because its surface is covered in a thin layer of natural magnet "
        "stones.",
    ),
    (
        "How does the stock market work?",
        "Companies sell shares to investors, who then trade them with each other, with prices set "
        "by supply and demand.",
        "The stock market works by the government setting a fixed price for every company's "
        "shares each morning.",
    ),
    (
        "Why do we get brain freeze?",
        "Cold food on the roof of the mouth rapidly changes blood flow in nearby vessels, which "
        "triggers a brief headache.",
        "Brain freeze happens because cold food travels upward and actually freezes part of the "
        "brain.",
    ),
    (
        "How does a hybrid car save fuel?",
        "It pairs a gasoline engine with an electric motor and recovers energy from braking to "
        "recharge its battery.",
        "A hybrid car saves fuel by mixing water into the gasoline to make it stretch further.",
    ),
    (
        "Why do cut apples turn brown?",
        "When an apple is cut, enzymes in its cells react with oxygen in the air and form brown "
        "pigments.",
        "Cut apples turn brown because they begin to rot within seconds of touching the air.",
    ),
    (
        "How do bees make honey?",
        "Bees collect flower nectar, break down its sugars with enzymes, and fan it with their "
        "wings to evaporate water.",
        "Bees make honey by chewing pollen into a paste with tree sap and rainwater.",
    ),
    (
        "Why does salt melt ice on roads?",
        "Salt dissolves into the thin film of water on ice and lowers its freezing point, so the "
        "ice melts.",
        "Salt melts ice because salt is naturally hot and warms up the road surface.",
    ),
    (
        "How does a lock and key work?",
        "In a pin tumbler lock, the correct key lifts spring-loaded pins to exactly the right "
        "height so the cylinder can turn.",
        "A lock opens because the key's metal is magnetized to match a magnet inside the lock.",
    ),
    (
        "Why do some people need glasses?",
        "Their eyes do not focus light exactly on the retina, often because the eyeball is "
        "slightly too long or too short.",
        "People need glasses because reading in dim light permanently shrinks their eyes.",
    ),
    (
        "How does a hot air balloon rise?",
        "Heating the air inside the balloon makes it less dense than the cooler air outside, so "
        "the balloon floats upward.",
        "A hot air balloon rises because the burner flame pushes it upward like a rocket engine.",
    ),
    (
        "Why do we have leap years?",
        "A year is about 365 and a quarter days long, so an extra day every four years keeps the "
        "calendar aligned with the seasons.",
        "Leap years exist because Earth speeds up every four years and needs an extra day to slow "
        "down.",
    ),
    (
        "How does DNS work?",
        "DNS translates human-readable domain names into the numeric IP addresses that computers "
        "use to find each other.",
        "DNS works by storing a complete copy of every website on your home router.",
    ),
    (
        "Why is regular exercise good for your heart?",
        "Regular exercise strengthens the heart muscle, improves circulation, and helps lower "
        "blood pressure and unhealthy cholesterol.",
        "Exercise helps the heart by shrinking it so that it needs less blood to work.",
    ),
    (
        "How does a dishwasher clean dishes?",
        "It sprays hot water mixed with detergent through rotating arms, then rinses and dries "
        "the dishes.",
        "A dishwasher cleans dishes by shaking them at high speed until the food falls off.",
    ),
    (
        "Why does money lose value over time?",
        "When prices rise through inflation, each unit of money buys fewer goods and services "
        "than it did before.",
        "Money loses value because paper bills physically fade as their ink slowly wears off.",
    ),
    (
        "How does a seed grow into a plant?",
        "With water, warmth and oxygen, the seed's embryo uses stored food to sprout roots and "
        "shoots, then photosynthesis takes over.",
        "A seed grows by eating the soil around it and turning it directly into leaves and stems.",
    ),
    (
        "Why does thunder come after lightning?",
        "Light travels much faster than sound, so we see the flash before the thunder from the "
        "heated air reaches us.",
        "Thunder comes later because clouds need time to crash into each other after the "
        "lightning strikes.",
    ),
    (
        "How does an electric kettle boil water?",
        "Electric current flows through a heating element that gets hot and passes its heat to "
        "the water until it boils.",
        "An electric kettle boils water by spinning it very fast until friction heats it up.",
    ),
    (
        "Why do we dream?",
        "Scientists still debate it, but dreams likely reflect the brain processing memories and "
        "emotions during sleep, especially REM sleep.",
        "We dream because our eyes keep seeing the room during sleep and the brain mixes up the "
        "images.",
    ),
    (
        "How does a bank make money?",
        "Banks earn mostly by lending money at higher interest rates than they pay depositors, "
        "plus fees for services.",
        "Banks make money by printing their own banknotes whenever they run low.",
    ),
    (
        "Why do objects fall at the same rate in a vacuum?",
        "Without air resistance, gravity accelerates all objects equally regardless of their "
        "mass, so they fall together.",
        "Heavier objects always fall faster, even in a vacuum, because gravity pulls harder on "
        "them.",
    ),
    (
        "How does a fever help fight infection?",
        "A higher body temperature can slow the growth of some germs and speed up parts of the "
        "immune response.",
        "A fever helps by boiling the germs inside the blood until they evaporate.",
    ),
    (
        "Why is the Sun so hot?",
        "Nuclear fusion in the Sun's core turns hydrogen into helium, releasing enormous amounts "
        "of energy as heat and light.",
        "The Sun is hot because it is a giant ball of burning coal and oil.",
    ),
    (
        "How does a zipper work?",
        "A slider forces the teeth on both sides to interlock as it moves up, and wedges them "
        "apart as it moves down.",
        "A zipper works because its teeth are magnetized and snap together when they get close.",
    ),
    (
        "Why do cats usually land on their feet?",
        "Cats have a flexible spine and a strong righting reflex that lets them twist their "
        "bodies in midair to face downward.",
        "Cats land on their feet because their paws are heavier than the rest of their body.",
    ),
    (
        "How does recycling save resources?",
        "Recycling turns used materials into new products, reducing the need to extract raw "
        "materials and often saving energy.",
        "Recycling saves resources by turning plastic bottles back into crude oil underground.",
    ),
    (
        "Why do we have different time zones?",
        "Earth rotates, so the Sun is overhead at different times in different places, and time "
        "zones keep clocks matched to daylight.",
        "Time zones exist because clocks run at different speeds in different countries.",
    ),
    (
        "How does a pressure cooker cook food faster?",
        "Trapped steam raises the pressure inside, which raises the boiling point of water, so "
        "food cooks at a higher temperature.",
        "A pressure cooker is faster because the pressure squeezes the food into smaller pieces.",
    ),
    (
        "Why does hot air rise?",
        "Hot air is less dense than the cooler air around it, so buoyancy pushes it upward.",
        "Hot air rises because heat particles are naturally attracted to the sky.",
    ),
    (
        "How does the eye see color?",
        "Cone cells in the retina respond to red, green or blue light, and the brain combines "
        "their signals into colors.",
        "The eye sees color because every object sends tiny colored particles into the pupil.",
    ),
    (
        "Why does a steel ship float?",
        "Its hollow shape displaces a weight of water greater than the ship's own weight, so "
        "buoyancy holds it up.",
        "Steel ships float because steel becomes lighter than water once it gets wet.",
    ),
    (
        "How does a smoke detector work?",
        "It senses smoke particles, either by a disrupted ionization current or by light "
        "scattered inside a chamber, and sounds an alarm.",
        "A smoke detector works by measuring the heat of the flames with a thermometer on the "
        "ceiling.",
    ),
    (
        "Why do we get sunburned?",
        "Ultraviolet rays from the sun damage skin cells, and the body responds with "
        "inflammation, redness and pain.",
        "Sunburn happens because the visible brightness of the sun heats the skin like a stove.",
    ),
    (
        "How does a search engine rank pages?",
        "It crawls and indexes pages, then ranks results using signals such as relevance to the "
        "query, links from other sites and quality.",
        "Search engines rank pages alphabetically by the name of each website.",
    ),
    (
        "Why is it colder at the top of a mountain?",
        "Air expands and cools as it rises to lower pressure, so the thin air at high altitude is "
        "colder.",
        "Mountain tops are colder because they are farther away from the Earth's hot core.",
    ),
    (
        "How does caffeine keep you awake?",
        "Caffeine blocks adenosine receptors in the brain, preventing the chemical signal that "
        "builds up during the day and makes you sleepy.",
        "Caffeine keeps you awake by adding extra sugar to your blood.",
    ),
    (
        "Why do we need to brush our teeth?",
        "Brushing removes plaque, a sticky film of bacteria that produces acids which cause tooth "
        "decay and gum disease.",
        "Brushing is only needed to whiten teeth, since bacteria cannot survive inside the mouth.",
    ),
    (
        "How does a vending machine recognize coins?",
        "It checks each coin's size, weight and metal content, often with sensors that measure "
        "its electromagnetic properties.",
        "Vending machines recognize coins by reading the printed date with a tiny camera.",
    ),
    (
        "Why do some animals hibernate?",
        "Hibernation lets animals survive winter food shortages by slowing their metabolism and "
        "living off stored body fat.",
        "Animals hibernate because the cold freezes them solid until spring thaws them out.",
    ),
    (
        "How does an elevator work?",
        "An electric motor moves the car using steel cables and a counterweight, or in some "
        "buildings a hydraulic piston.",
        "Elevators work by pumping air under the car until it floats up the shaft.",
    ),
    (
        "Why does popcorn pop?",
        "Each kernel holds a little water that turns to steam when heated, building pressure "
        "until the hull bursts.",
        "Popcorn pops because air trapped in a hollow center of the kernel expands and bursts the "
        "shell.",
    ),
    (
        "How does insurance work?",
        "Many people pay regular premiums into a shared pool, which the insurer uses to cover the "
        "costs of the few who make claims.",
        "Insurance works by the company investing your premiums and returning all of them to you "
        "with interest.",
    ),
    (
        "Why do bubbles form in boiling water?",
        "At the boiling point, water turns into vapor inside the liquid, forming bubbles of steam "
        "that rise to the surface.",
        "The bubbles in boiling water are pockets of air that the heat pulls in from the kitchen.",
    ),
    (
        "How does a satellite stay in orbit?",
        "It moves sideways so fast that, as gravity pulls it down, it keeps falling around Earth "
        "instead of into it.",
        "Satellites stay in orbit because there is no gravity in space to pull them down.",
    ),
    (
        "Why do muscles get sore after exercise?",
        "Unfamiliar or intense exercise causes tiny damage to muscle fibers, and the repair "
        "process brings soreness a day or two later.",
        "Muscle soreness is caused by lactic acid crystals that stay in the muscles for several "
        "days.",
    ),
    (
        "How does Wi-Fi send data through the air?",
        "Wi-Fi encodes data into radio waves that travel between your device and a router, which "
        "connects to the internet.",
        "Wi-Fi sends data through invisible beams of light that run through the walls of your "
        "home.",
    ),
    (
        "Why does the Leaning Tower of Pisa lean?",
        "It was built on soft, unstable soil that sank unevenly under the tower's weight during "
        "construction.",
        "It leans because the architects deliberately designed it that way to look more "
        "impressive.",
    ),
    (
        "How does an incandescent light bulb produce light?",
        "Electric current heats a thin tungsten filament inside the bulb until it glows brightly.",
        "A light bulb produces light by burning a small amount of gas each time it is switched on.",
    ),
    (
        "Why do we have eyebrows?",
        "Eyebrows help keep sweat and rain out of the eyes and play an important role in facial "
        "expression.",
        "Eyebrows exist to help us hear better by directing sound toward the ears.",
    ),
    (
        "How does a sewing machine make a stitch?",
        "The needle carries the upper thread through the fabric, and a rotating hook loops it "
        "around a lower bobbin thread to lock the stitch.",
        "A sewing machine glues the two pieces of fabric together with heated thread.",
    ),
    (
        "Why does Earth rotate?",
        "Earth kept the spin of the gas and dust cloud it formed from, and almost nothing in "
        "space slows it down.",
        "Earth rotates because the wind blowing across its surface constantly pushes it around.",
    ),
    (
        "How does a barcode scanner work?",
        "It shines light across the barcode, measures the reflected pattern of dark and light "
        "bars, and decodes it into a number.",
        "A barcode scanner works by weighing the product and guessing the item from its weight.",
    ),
    (
        "Why do we get hungry?",
        "Hormones such as ghrelin signal the brain when the stomach is empty and energy stores "
        "are running low.",
        "We get hungry because the stomach shrinks to nothing if it stays empty for an hour.",
    ),
    (
        "How does a 3D printer work?",
        "It builds an object layer by layer, typically by melting plastic filament and depositing "
        "it along a computer-controlled path.",
        "A 3D printer works by carving a large block of wood with lasers until the shape appears.",
    ),
    (
        "Why do mirrors seem to reverse left and right?",
        "Mirrors actually reverse front and back, and we read the flipped image as a left-right "
        "swap when imagining ourselves facing it.",
        "Mirrors swap left and right because light always crosses over as it bounces off glass.",
    ),
    (
        "How does a dam generate electricity?",
        "Water held behind the dam flows through turbines, which spin generators that convert the "
        "motion into electricity.",
        "Dams generate electricity by heating the stored water until it turns to steam on its own.",
    ),
    (
        "Why do tides happen?",
        "Tides are caused mainly by the Moon's gravity pulling on Earth's oceans, with a smaller "
        "effect from the Sun.",
        "Tides happen because strong winds push ocean water toward the shore twice a day.",
    ),
    (
        "How does a car engine work?",
        "In a gasoline engine, burning fuel and air expand rapidly and push pistons, which turn a "
        "crankshaft that drives the wheels.",
        "A car engine works by burning water, which turns the wheels with steam pressure.",
    ),
    (
        "Why does a balloon stick to a wall after you rub it on your hair?",
        "Rubbing transfers electrons, giving the balloon a static charge that attracts opposite "
        "charges in the wall's surface.",
        "The balloon sticks because rubbing it makes the rubber slightly sticky like glue.",
    ),
    (
        "How do fish breathe underwater?",
        "Fish pass water over their gills, which absorb dissolved oxygen from the water into "
        "their blood.",
        "Fish breathe by coming to the surface every few minutes to gulp air into their lungs.",
    ),
    (
        "Why does a spoon in a glass of water look bent?",
        "Light changes speed and bends as it passes from water to air, which makes the spoon "
        "appear broken at the surface.",
        "The spoon looks bent because the water slightly softens the metal and curves it.",
    ),
    (
        "How does the body fight off a cold?",
        "The immune system detects the virus, and white blood cells and antibodies destroy "
        "infected cells until the infection clears.",
        "The body fights a cold by sweating the virus out through the skin within a few hours.",
    ),
    (
        "Why do higher interest rates reduce borrowing?",
        "Higher interest rates make loans more expensive to repay, so people and businesses tend "
        "to borrow and spend less.",
        "Higher interest rates make borrowing cheaper, so people always take out more loans.",
    ),
    (
        "How does a toilet flush?",
        "Pulling the handle lifts a flap that releases tank water into the bowl, creating a "
        "siphon that pulls waste into the drain.",
        "A toilet flushes by using a small electric pump hidden underneath the bowl.",
    ),
    (
        "Why are flamingos pink?",
        "Flamingos get their pink color from carotenoid pigments in the algae and shrimp they eat.",
        "Flamingos are pink because they stand in the sun all day and their feathers get "
        "sunburned.",
    ),
    (
        "How does an MRI scanner work?",
        "It uses a strong magnetic field and radio waves to make hydrogen atoms in the body emit "
        "signals that form images.",
        "An MRI works by taking ordinary X-ray photos from many angles very quickly.",
    ),
    (
        "Why do leaves look green?",
        "Leaves contain chlorophyll, which absorbs red and blue light and reflects green light "
        "back to our eyes.",
        "Leaves look green because they absorb green light and use it to make food.",
    ),
    (
        "How does a loudspeaker make sound?",
        "An electrical signal moves a coil in a magnetic field, vibrating a cone that pushes air "
        "to create sound waves.",
        "A loudspeaker makes sound by releasing recorded air that is stored inside its box.",
    ),
    (
        "Why do rivers flow to the sea?",
        "Gravity pulls water downhill, and since the sea is the lowest point, rivers eventually "
        "flow toward it.",
        "Rivers flow to the sea because the ocean's tides suck water out of the land.",
    ),
    (
        "How does a parachute slow a fall?",
        "Its large canopy creates air resistance, or drag, which greatly reduces the speed of the "
        "falling person.",
        "A parachute slows a fall by filling with helium that lifts the jumper upward.",
    ),
    (
        "Why do we shiver when we are cold?",
        "Shivering is rapid involuntary muscle contraction that generates heat to help raise the "
        "body's temperature.",
        "We shiver to shake off the cold air that sticks to our skin.",
    ),
    (
        "How does a liquid thermometer measure temperature?",
        "The liquid inside expands as it warms and rises up a narrow tube marked with a "
        "temperature scale.",
        "The liquid rises because it is pulled upward by warm air flowing into the top of the "
        "tube.",
    ),
    (
        "Why does coral bleach?",
        "When the water gets too warm, corals expel the colorful algae living in their tissues, "
        "leaving them white.",
        "Coral bleaches because sunlight fades its color in the same way it fades old clothes.",
    ),
    (
        "How does a heat pump heat a house?",
        "A heat pump uses a refrigerant cycle to move heat from the outside air or ground into "
        "the house, even in cold weather.",
        "A heat pump heats a house by burning gas in a small furnace inside the outdoor unit.",
    ),
    (
        "Why does the Sun look red at sunset?",
        "At sunset, sunlight passes through more atmosphere, which scatters away blue light and "
        "leaves mostly red and orange.",
        "The Sun looks red at sunset because it cools down and changes color in the evening.",
    ),
)

ITEMS = WHAT + HOW + WHY
