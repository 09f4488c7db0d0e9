"""The demo's HOW items: practical how-to questions and requests for tips."""

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
