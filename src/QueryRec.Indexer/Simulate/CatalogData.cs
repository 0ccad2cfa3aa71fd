namespace QueryRec.Indexer.Simulate;

/// <summary>
/// The simulator's hand-written storefront vocabulary, in Chinese and English. Parsed by <see cref="Catalog"/>.
/// <list type="bullet">
/// <item><c>dept id | 中文 | English</c>: a top-level department.</item>
/// <item><c>category id | dept | 中文名 | English name | synonyms, … | min-max price [| accessory-of=id]</c>: a leaf category.</item>
/// <item><c>brand English / 中文 | product line, …</c>: a brand of the category above and its product lines (models).</item>
/// <item><c>attr kind | 中文/English, …</c>: an attribute and its values (one form when both are the same).</item>
/// <item><c>new English brand | product line, …</c>: new releases, rare until their trending burst.</item>
/// </list>
/// An accessory category (<c>accessory-of=phones</c>) takes its product lines from the models of the other
/// category, as in "iphone 16 手机壳".
/// </summary>
internal static class CatalogData
{
    public const string Text = """
        dept electronics | 数码 | electronics
        dept computers | 电脑办公 | computers
        dept fashion | 服饰鞋包 | fashion
        dept food | 食品饮料 | food and drinks
        dept beauty | 美妆个护 | beauty
        dept appliances | 家用电器 | home appliances

        category phones | electronics | 手机 | phone | 智能手机, smartphone, mobile phone | 999-9999
        brand apple / 苹果 | iphone 16, iphone 16 pro, iphone 16 pro max, iphone 15
        brand huawei / 华为 | mate 70, mate 70 pro, pura 70, nova 13
        brand xiaomi / 小米 | xiaomi 15, redmi k80, redmi note 14
        brand samsung / 三星 | galaxy s25, galaxy s25 ultra, galaxy z flip6
        brand oppo | find x8, reno 13
        brand vivo | vivo x200, iqoo 13
        brand honor / 荣耀 | magic7, honor 300
        attr color | 黑色/black, 白色/white, 蓝色/blue, 紫色/purple, 沙漠色/desert titanium
        attr capacity | 128gb, 256gb, 512gb, 1tb
        new apple | iphone 17 pro
        new huawei | mate 80 pro

        category phone-cases | electronics | 手机壳 | phone case | 保护壳, 手机套 | 19-299 | accessory-of=phones
        brand spigen | -
        brand baseus / 倍思 | -
        brand apple / 苹果 | -
        attr material | 硅胶/silicone, 皮革/leather, 透明/clear, 磁吸/magsafe

        category earphones | electronics | 耳机 | headphones | 蓝牙耳机, earbuds, earphones, 无线耳机 | 99-2999
        brand apple / 苹果 | airpods pro 2, airpods 4, airpods max
        brand sony / 索尼 | wh-1000xm5, wf-1000xm5
        brand bose | quietcomfort ultra, qc45
        brand huawei / 华为 | freebuds pro 4, freebuds 6i
        brand xiaomi / 小米 | redmi buds 6
        attr type | 降噪/noise cancelling, 头戴式/over-ear, 入耳式/in-ear, 运动/sport
        attr color | 黑色/black, 白色/white
        new apple | airpods pro 3

        category watches | electronics | 智能手表 | smart watch | 手表, 运动手表, smartwatch | 199-6999
        brand apple / 苹果 | apple watch series 10, apple watch ultra 2
        brand huawei / 华为 | watch gt 5, watch 5, 华为手环 9
        brand xiaomi / 小米 | 小米手环 9, xiaomi watch s4
        brand garmin / 佳明 | fenix 8, forerunner 965
        attr size | 42mm, 46mm
        attr color | 黑色/black, 银色/silver, 粉色/pink

        category laptops | computers | 笔记本电脑 | laptop | 笔记本, notebook, 游戏本, gaming laptop | 3999-19999
        brand apple / 苹果 | macbook air, macbook pro, macbook air m3
        brand lenovo / 联想 | thinkpad x1, 拯救者 y9000p, 小新 pro 14
        brand huawei / 华为 | matebook 14, matebook x pro
        brand dell / 戴尔 | xps 13, 游匣 g16
        brand asus / 华硕 | rog 幻16, 天选 5
        attr memory | 16gb, 32gb
        attr screen | 14英寸/14 inch, 16英寸/16 inch
        new apple | macbook pro m5

        category tablets | computers | 平板电脑 | tablet | 平板, ipad | 1499-9999
        brand apple / 苹果 | ipad air, ipad pro, ipad mini
        brand huawei / 华为 | matepad pro, matepad 11.5
        brand xiaomi / 小米 | xiaomi pad 7
        attr capacity | 128gb, 256gb, 512gb
        attr color | 深空灰/space gray, 银色/silver

        category sneakers | fashion | 运动鞋 | sneakers | 跑步鞋, running shoes, 球鞋, 篮球鞋 | 199-1599
        brand nike / 耐克 | air max 90, air force 1, pegasus 41, dunk low
        brand adidas / 阿迪达斯 | ultraboost, samba, stan smith
        brand li-ning / 李宁 | 韦德之道, 飞电 4, 超轻 21
        brand anta / 安踏 | c202, kt10
        brand new balance / 新百伦 | 990v6, nb 574
        brand asics / 亚瑟士 | gel-kayano 31, gel-nimbus 26
        attr color | 白色/white, 黑色/black, 灰色/grey, 红色/red
        attr size | 40码/size 40, 41码/size 41, 42码/size 42, 43码/size 43, 44码/size 44
        new nike | air jordan 40

        category dresses | fashion | 连衣裙 | dress | 裙子, dresses, 长裙 | 99-1299
        brand zara | zara 连衣裙
        brand uniqlo / 优衣库 | 优衣库 连衣裙
        brand peacebird / 太平鸟 | 太平鸟 连衣裙
        brand ur | ur 连衣裙
        brand h&m | h&m dress
        attr color | 红色/red, 黑色/black, 白色/white, 碎花/floral, 蓝色/blue
        attr style | 法式/french, 吊带/slip, 针织/knit, 长款/maxi, 收腰/wrap
        attr size | s, m, l

        category down-jackets | fashion | 羽绒服 | down jacket | 羽绒衣, puffer jacket, 冬季外套 | 299-9999
        brand bosideng / 波司登 | 波司登 极寒, 波司登 轻薄
        brand the north face / 北面 | 1996 nuptse, mcmurdo
        brand uniqlo / 优衣库 | 优衣库 轻型羽绒服
        brand canada goose / 加拿大鹅 | expedition, chilliwack
        brand yaya / 鸭鸭 | 鸭鸭 短款
        attr length | 长款/long, 短款/short
        attr color | 黑色/black, 白色/white, 卡其色/khaki
        attr hood | 连帽/hooded

        category coffee | food | 咖啡 | coffee | 咖啡豆, coffee beans, 挂耳咖啡, 速溶咖啡, instant coffee | 29-399
        brand starbucks / 星巴克 | 星巴克咖啡豆, 星巴克胶囊咖啡
        brand nescafe / 雀巢 | 雀巢速溶咖啡, nescafe gold
        brand luckin / 瑞幸 | 瑞幸挂耳咖啡
        brand saturnbird / 三顿半 | 三顿半 超即溶
        brand lavazza | lavazza 咖啡豆
        brand illy | illy 胶囊
        attr roast | 深烘/dark roast, 中烘/medium roast
        attr weight | 250g, 500g, 1kg
        new saturnbird | 三顿半 冷萃 新品

        category snacks | food | 零食 | snacks | 零食大礼包, 坚果, 薯片, potato chips | 9-199
        brand three squirrels / 三只松鼠 | 每日坚果, 三只松鼠 夏威夷果
        brand bestore / 良品铺子 | 良品铺子 牛肉干, 良品铺子 猪肉脯
        brand lays / 乐事 | 乐事薯片, lays chips
        brand oreo / 奥利奥 | 奥利奥饼干
        brand want want / 旺旺 | 旺旺雪饼, 旺旺大礼包
        attr flavor | 原味/original, 番茄味/tomato, 黄瓜味/cucumber, 麻辣/spicy
        attr pack | 礼盒/gift box, 大包装/family pack

        category shampoo | beauty | 洗发水 | shampoo | 洗发露, 洗头膏 | 19-299
        brand head & shoulders / 海飞丝 | 海飞丝 去屑
        brand pantene / 潘婷 | 潘婷 3分钟奇迹
        brand clear / 清扬 | 清扬 男士
        brand ryo / 吕 | 吕 防脱
        brand adolph / 阿道夫 | 阿道夫 精油
        attr function | 去屑/anti dandruff, 控油/oil control, 防脱/anti hair loss, 无硅油/silicone free
        attr volume | 400ml, 750ml, 1l

        category lipstick | beauty | 口红 | lipstick | 唇釉, 唇膏, lip gloss | 59-599
        brand dior / 迪奥 | 迪奥 999, dior addict
        brand ysl / 圣罗兰 | ysl 小金条, ysl 方管
        brand mac / 魅可 | mac chili
        brand florasis / 花西子 | 花西子 雕花口红
        brand perfect diary / 完美日记 | 完美日记 小细跟
        attr shade | 正红色/true red, 豆沙色/nude pink, 哑光/matte, 滋润/moisturizing
        new florasis | 花西子 新年限定

        category tvs | appliances | 电视 | tv | 电视机, 智能电视, smart tv | 1499-29999
        brand sony / 索尼 | bravia 9, bravia 7
        brand xiaomi / 小米 | 小米电视 s pro, redmi 电视 a75
        brand hisense / 海信 | 海信 e8, 海信 u7
        brand tcl | tcl q10k, tcl t7k
        brand samsung / 三星 | neo qled
        attr size | 55英寸/55 inch, 65英寸/65 inch, 75英寸/75 inch, 85英寸/85 inch
        attr panel | oled, mini led, 4k

        category robot-vacuums | appliances | 扫地机器人 | robot vacuum | 扫拖一体机, 扫地机, robot cleaner | 999-6999
        brand roborock / 石头 | 石头 p10s, 石头 g20
        brand ecovacs / 科沃斯 | 科沃斯 t30, deebot x5
        brand dreame / 追觅 | 追觅 x40
        brand mijia / 米家 | 米家扫拖机器人
        attr feature | 自动集尘/self emptying, 自动上下水/auto water, 避障/obstacle avoidance

        category air-fryers | appliances | 空气炸锅 | air fryer | 炸锅, 空气炸锅家用 | 149-999
        brand midea / 美的 | 美的 空气炸锅
        brand joyoung / 九阳 | 九阳 空气炸锅
        brand philips / 飞利浦 | philips airfryer
        brand bear / 小熊 | 小熊 炸锅
        attr capacity | 5l, 6l, 7l
        attr window | 可视/window
        """;
}
