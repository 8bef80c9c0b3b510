"""The phrases of offers traded for something: what a buyer would do for it (a review, a rating,
withdrawing or closing the claim), what is offered, and the words that make it conditional; and
requests for a top rating. `lint.py` weighs them together (bot/domain/compliance/words.py holds
the other phrase lists)."""

from __future__ import annotations

from bot.domain.compliance.patterns import phrase_hits

# --- Offers tied to a review or to withdrawing the claim ("if you withdraw the claim, we will
# refund you 10 dollars"; "Olumsuz yorumunuzu silerseniz ... ücretsiz"). An offer is conditional
# when the act it is traded for stands in a clause with a condition, after an exchange phrase, or
# before "then/and we will" in the same sentence.
# What the buyer would do for it: a review, a rating, feedback (the act nouns and verbs).
REVIEW_ACT = phrase_hits(
    "a review|your review|honest review|the review|reviews|review on amazon|review us|"
    "a rating|your rating|star rating|leave feedback|your feedback|positive feedback|rate us",
    "bewertung|rezension|bewerten",
    "un avis|votre avis|d'un avis|avis sur|avis positif|évaluation|commentaire|noter",
    "recensione|valutazione|feedback",
    "reseña|valoración|su opinión|opinión en|calificación|comentario",
    "review|beoordeling|recensie",
    "recension|omdöme|betyg",
    "opini|recenzj|ocen|komentarz",
    "yorum|değerlendirme|puan",
    "avaliação|avaliar|comentário",
    "レビュー|評価|口コミ",
    "تقييم|مراجعة",
)
# Closing the claim is the same act as withdrawing it ("Si chiude il reclamo").
CLOSE_VERB = phrase_hits(
    "close|closing|closed|take back|drop the",
    "schließ|schliess|geschlossen|beend|zurückgenommen|zurückgezogen|zurück",
    "clôtur|ferm|retir|annul|abandonn",
    "chiud|chius|ritir",
    "cierr|cerrar|cerrad|retir|anul",
    "sluit|sluiten|gesloten|ingetrokken|intrek",
    "stäng|avsluta|drar tillbaka|dra tillbaka|återkalla",
    "zamkn|zamyk|wycof",
    "kapat|geri çek|iptal",
    "fech|encerr|retir|cancel",
    "取り下げ|取下げ|取り消|取消|クローズ|終了",
    "سحب|سحبتم|إغلاق|اغلاق|أغلقتم|إلغاء",
)
# What is offered: a gift, money, a voucher, something free or extra.
OFFER = phrase_hits(
    "gift|voucher|coupon|free |for free|discount|bonus|reward|refund you|refund the|extra $|"
    "compensation|full refund|money back|pay you",
    "gutschein|geschenk|gratis|kostenlos|rabatt|erstatten wir|zusätzlich|entschädigung|"
    "prämie|belohnung",
    "bon d'achat|carte cadeau|cadeau|gratuit|réduction|rembours|supplémentaire|offr|"
    "dédommagement|compensation",
    "buono|regal|omaggio|gratis|gratuit|sconto|rimbors|in più|aggiuntiv|compenso|risarc",
    "cupón|cheque regalo|tarjeta regalo|regal|gratis|gratuit|descuento|reembols|le devolvemos|"
    "adicional|compensación|obsequio",
    "cadeaubon|tegoedbon|cadeau|gratis|korting|terugbetal|vergoed|extra|compensatie",
    "presentkort|present|gåva|gratis|rabatt|återbetal|ersättning|extra|kompensation",
    "bon |bonu|voucher|prezent|gratis|darmow|rabat|zniżk|zwrot|zwróc|dodatkow|rekompens|"
    "w prezencie",
    "hediye|ücretsiz|bedava|indirim|iade|ek olarak|tazminat|kupon",
    "vale|cupom|presente|brinde|grátis|gratuit|desconto|reembols|devolvemos|a mais|"
    "compensação|crédito",
    "ギフト|プレゼント|無料|割引|返金|クーポン|謝礼|お礼|特典|ポイント|商品券",
    "قسيمة|هدية|مجان|خصم|استرداد|تعويض|مكافأة|بطاقة",
)
# Money, however the amount is written: a currency sign, code or name ("10 dollars", "$15",
# "ten dollars", "zehn Euro", "hundra kronor", "dziesięć złotych", "on lira", "dez reais",
# "千円", "عشرة دولارات") or money itself ("your money back", "Geld zurück", "お金", "المبلغ").
# Next to a review request it is an incentive; traded for an act, an offer. Latin-script words
# stand as whole words, or as the stem of one when marked `~` ("pieniądze", "gotówką"); "円" and
# "ドル" are checked where they stand (lint.py, `_money`).
MONEY = phrase_hits(
    "$|€|£|¥|₺|usd|eur|gbp|sek|pln|brl|jpy|aed|sar|egp|mxn|cad|aud|chf|tl|zł|zl|kr|kr.",
    "dollar|dollars|buck|bucks|euro|euros|pounds|yen|cash|money",
    "geld|bargeld|franken",
    "argent|espèces",
    "soldi|denaro|contanti|dollari",
    "dólar|dólares|dinero|efectivo|pesos",
    "contant|contanten",
    "pengar|kontanter|kronor|krona",
    "złotych|złote|złoty|pieniądz~|pieniędzy|gotówk~",
    "lira|lirası|liralık|dolar~|nakit|parayı|paranızı|paranız",
    "dinheiro|reais",
    "円|ドル|ユーロ|お金|現金|謝礼",
    "دولار|ريال|درهم|جنيه|يورو|نقود|نقدي|أموال|مبلغ",
)
# A condition tied to the act: whole words (checked for word boundaries).
CONDITION = phrase_hits(
    "if|once|as soon as|after you|when you|provided|in exchange|in return|for leaving|"
    "for writing|for posting|for giving|for a|for an",
    "wenn|falls|sobald|nachdem|sofern|im gegenzug|für eine|für einen",
    "si|s'il|dès que|une fois|lorsque|quand|en échange|en contrepartie|pour un|pour une",
    "se|qualora|una volta|appena|quando|in cambio|per una",
    "si|una vez|en cuanto|cuando|a cambio|por una|por dejar",
    "als|indien|zodra|wanneer|in ruil|voor een",
    "om|när|så snart|i utbyte|för en",
    "jeśli|jeżeli|gdy|kiedy|jak tylko|w zamian|za wystawienie|za opinię|za ocenę|za zmianę|"
    "za usunięcie",
    "eğer|karşılığında|için size",
    "se|caso|assim que|depois que|quando|em troca|por uma",
    "إذا|اذا|إن|لو|عند|بمجرد|مقابل|بعد",
)
# Condition suffixes of verb-final languages: "geri çekerseniz", "取り下げていただければ".
CONDITION_SUFFIX = phrase_hits(
    "rseniz|rsanız|rsen|rsan|seniz|sanız|masi halinde|ması halinde|mesi halinde|"
    "mesi durumunda|ması durumunda|nız halinde|niz halinde|takdirde",
    "ければ|けましたら|いたら|だいたら|ましたら|れば|際には|方には|ことで|代わりに|と引き換え",
)
# A consequence after an imperative: "ziehen Sie den Antrag zurück, dann bekommen Sie ...".
THEN = phrase_hits(
    "then|and we|and you|and i",
    "dann|und wir|und sie",
    "alors|et nous|et vous|puis",
    "allora|e noi|e le|e riceverà",
    "entonces|y le|y nosotros|y recibirá",
    "dan|en wij|en u",
    "så|och vi|och du",
    "wtedy|to otrzyma|a my",
    "o zaman|ve size|ve biz",
    "então|e nós|e você|e receberá",
    "そうすれば|すると",
    "وسوف|وسن|فسوف|فسن",
)
# Asking for a top rating or a good review: a star count, a "highest rating", a positive review
# ("5 stars", "5つ星", "خمس نجوم", "a positive review").
STAR_RATING = phrase_hits(
    "positive review|positive feedback|positive rating|good review|good rating|great review",
    "positive bewertung|positives feedback|gute bewertung|positive rezension",
    "avis positif|bon avis|évaluation positive|commentaire positif|bonne note",
    "recensione positiva|valutazione positiva|feedback positivo|buona recensione",
    "reseña positiva|valoración positiva|opinión positiva|buena valoración|buena reseña|"
    "calificación positiva",
    "positieve review|positieve beoordeling|goede beoordeling|goede review",
    "positiv recension|positivt omdöme|bra betyg|bra omdöme",
    "pozytywną opinię|pozytywna opinia|pozytywnej opinii|dobrą ocenę|dobrą opinię",
    "olumlu yorum|olumlu değerlendirme|iyi puan|iyi yorum",
    "avaliação positiva|comentário positivo|boa avaliação",
    "良い評価|良いレビュー|高評価のレビュー",
    "تقييم إيجابي|تقييمًا إيجابيًا|تقييما إيجابيا|مراجعة إيجابية|تقييم جيد",
    "5 star|5-star|5 stars|five star|five-star|five stars|5/5|full marks|top rating|"
    "highest rating|10/10",
    "5 sterne|5-sterne|fünf sterne|5-sterne|höchstbewertung|bestbewertung|volle punktzahl",
    "5 étoiles|cinq étoiles|note maximale|meilleure note|5/5",
    "5 stelle|cinque stelle|punteggio massimo|valutazione massima",
    "5 estrellas|cinco estrellas|máxima puntuación|puntuación máxima|calificación máxima",
    "5 sterren|vijf sterren|hoogste beoordeling|hoogste score",
    "5 stjärnor|fem stjärnor|högsta betyg",
    "5 gwiazdek|pięć gwiazdek|5 gwiazdki|najwyższą ocenę|najwyższa ocena",
    "5 yıldız|beş yıldız|tam puan|en yüksek puan",
    "5 estrelas|cinco estrelas|nota máxima|nota 5|nota dez",
    "星5|星５|★5|5つ星|５つ星|五つ星|星5つ|星５つ|星を5|星を５|満点|最高評価|高評価",
    "5 نجوم|خمس نجوم|خمسة نجوم|٥ نجوم|أعلى تقييم|العلامة الكاملة|تقييم ممتاز",
)
