"""The demo's WHY items: "Why ...?" and "How does ... work?" explanations."""

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
