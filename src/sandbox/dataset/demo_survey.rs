//! The Survey123 street tree survey: the hosted service the form submits to, and the "Form" item
//! whose data is the zip Survey123 Connect uploads (`esriinfo/` with the XLSForm spreadsheet, the
//! XForm XML, `forminfo.json` and `form.json`), related by `Survey2Service`.

use serde_json::json;

use super::demo::{Access, CREDITS, Demo, GREEN, Grp, Spec, id};
use super::demo_services::{FULL, publish, service_keywords};
use super::files::{self, Cell, text, xml_escape};
use super::thumbs::Glyph;
use super::{layers, service_url, ts};
use crate::sandbox::model::{Content, ItemData};
use crate::sandbox::services::Service;

const NAME: &str = "Street_Tree_Survey";

/// Adds the survey's service, its form item and their relationship.
pub fn add(d: &mut Demo) {
    let form_id = id("street-trees-form");
    let last_edit = ts(2024, 9, 30, 18, 2);
    let layer = layers::street_trees(&mut d.rng, last_edit);
    let service = Service {
        name: NAME.into(),
        item_id: id("street-trees"),
        layers: vec![layer],
        capabilities: FULL.into(),
        max_record_count: 2000,
        description: "Street tree inventory collected with Survey123.".into(),
        view_of: None,
    };
    let kw = service_keywords(
        false,
        &[
            "Survey123",
            "Survey123 Connect",
            "SurveyService",
            "Source",
            &form_id,
        ],
    );
    let spec = Spec {
        key: "street-trees",
        owner: "editor",
        folder: Some("Field Apps"),
        title: "Street Tree Survey",
        kind: "Feature Service",
        keywords: &kw,
        tags: &["trees", "urban forestry", "Survey123"],
        created: ts(2023, 4, 27, 15, 45),
        modified: last_edit,
        snippet: "Responses of the street tree survey.",
        description: "<p>Trees recorded by volunteers and staff with the <i>Street Tree Survey</i> form.</p>",
        credits: CREDITS,
        spatial: true,
        access: Access::Private,
        groups: &[Grp::Ops],
        thumb: Some((Glyph::Layer, GREEN)),
        ..Spec::default()
    };
    publish(d, &spec, service, ItemData::Empty);
    let zip = form_zip(&service_url(&d.base, NAME));
    let spec = Spec {
        key: "street-trees-form",
        title: "Street Tree Survey",
        kind: "Form",
        keywords: &["Form", "Survey123", "Survey123 Connect", "xForm"],
        tags: &["trees", "urban forestry", "Survey123", "form"],
        created: ts(2023, 4, 27, 15, 40),
        modified: ts(2024, 5, 2, 10, 15),
        snippet: "Survey123 form for the street tree inventory.",
        description: "<p>Record species, trunk diameter, height and condition of a street tree, with a photo.</p>",
        thumb: Some((Glyph::App, GREEN)),
        metadata: true,
        ..spec
    };
    let mut form = d.make(&spec);
    form.data = ItemData::File {
        name: format!("{form_id}.zip"),
        content: Content::bytes(zip),
    };
    form.extra.insert(
        "properties".into(),
        json!({"submissionUrl": service_url(&d.base, NAME), "version": "2024.05.02"}),
    );
    d.put(form);
    d.relate("street-trees-form", "street-trees", "Survey2Service");
}

const QUESTIONS: [(&str, &str, &str); 7] = [
    ("select_one species", "species", "Species"),
    ("decimal", "dbh_in", "Trunk diameter at breast height (in)"),
    ("decimal", "height_ft", "Height (ft)"),
    ("select_one condition", "condition", "Condition"),
    ("text", "address", "Nearest address"),
    ("date", "surveyed_on", "Survey date"),
    ("image", "photo", "Photo of the tree"),
];

const SPECIES: [(&str, &str); 4] = [
    ("Acer platanoides", "Norway maple"),
    ("Gleditsia triacanthos", "Honey locust"),
    ("Quercus macrocarpa", "Bur oak"),
    ("Tilia cordata", "Littleleaf linden"),
];

/// The zip of a Survey123 Connect form.
fn form_zip(submission_url: &str) -> Vec<u8> {
    let mut survey = vec![vec![
        text("type"),
        text("name"),
        text("label"),
        text("required"),
        text("bind::esri:fieldType"),
    ]];
    survey.push(vec![
        text("geopoint"),
        text("location"),
        text("Location"),
        text("yes"),
        text(""),
    ]);
    for (t, n, l) in QUESTIONS {
        let required = if n == "photo" { "" } else { "yes" };
        survey.push(vec![text(t), text(n), text(l), text(required), text("")]);
    }
    let mut choices = vec![vec![text("list_name"), text("name"), text("label")]];
    for (sci, common) in SPECIES {
        choices.push(vec![text("species"), text(sci), text(common)]);
    }
    for c in ["Good", "Fair", "Poor", "Dead"] {
        choices.push(vec![text("condition"), text(c), text(c)]);
    }
    let settings: Vec<Vec<Cell>> = vec![
        vec![
            text("form_title"),
            text("form_id"),
            text("version"),
            text("submission_url"),
        ],
        vec![
            text("Street Tree Survey"),
            text(NAME),
            text("2024.05.02"),
            text(submission_url),
        ],
    ];
    let xlsx = files::xlsx(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ]);
    let xform = xform(submission_url);
    let forminfo = json!({"name": NAME, "title": "Street Tree Survey", "version": "2024.05.02", "languages": ["en"], "displayInfo": {"style": "pages"}}).to_string();
    let questions: Vec<_> = QUESTIONS
        .iter()
        .map(|(t, n, l)| json!({"type": t, "name": n, "label": l}))
        .collect();
    let form_json = json!({"header": {"content": "Street Tree Survey"}, "questions": questions, "settings": {"submissionUrl": submission_url, "openStatusInfo": {"status": "open"}}}).to_string();
    let info = json!({"type": "Form", "typeKeywords": ["Form", "Survey123", "Survey123 Connect", "xForm"], "title": "Street Tree Survey"}).to_string();
    files::zip(&[
        (&format!("esriinfo/{NAME}.xlsx"), &xlsx),
        (&format!("esriinfo/{NAME}.xml"), xform.as_bytes()),
        (&format!("esriinfo/{NAME}.itemInfo"), info.as_bytes()),
        ("esriinfo/forminfo.json", forminfo.as_bytes()),
        ("esriinfo/form.json", form_json.as_bytes()),
        (
            "esriinfo/media/README.txt",
            b"Images and files referenced by the form.",
        ),
    ])
}

fn xform(submission_url: &str) -> String {
    let mut instance = String::from("<location/>");
    let mut binds =
        format!("<bind nodeset=\"/{NAME}/location\" type=\"geopoint\" required=\"true()\"/>");
    let mut body = format!("<input ref=\"/{NAME}/location\"><label>Location</label></input>");
    for (t, n, l) in QUESTIONS {
        instance.push_str(&format!("<{n}/>"));
        let (xtype, control) = match t {
            "decimal" => ("decimal", "input"),
            "date" => ("date", "input"),
            "image" => ("binary", "upload"),
            "text" => ("string", "input"),
            _ => ("select1", "select1"),
        };
        binds.push_str(&format!("<bind nodeset=\"/{NAME}/{n}\" type=\"{xtype}\"/>"));
        let mut items = String::new();
        if n == "species" {
            for (sci, common) in SPECIES {
                items.push_str(&format!(
                    "<item><label>{}</label><value>{}</value></item>",
                    xml_escape(common),
                    xml_escape(sci)
                ));
            }
        }
        let media = if control == "upload" {
            " mediatype=\"image/*\""
        } else {
            ""
        };
        body.push_str(&format!(
            "<{control} ref=\"/{NAME}/{n}\"{media}><label>{}</label>{items}</{control}>",
            xml_escape(l)
        ));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" xmlns:esri=\"http://esri.com/xforms\"><h:head><h:title>Street Tree Survey</h:title><model><instance><{NAME} id=\"{NAME}\" orx:version=\"2024.05.02\">{instance}<meta><instanceID/></meta></{NAME}></instance>{binds}<submission action=\"{}\" method=\"post\" esri:orx=\"http://esri.com/xforms\"/></model></h:head><h:body>{body}</h:body></h:html>\n",
        xml_escape(submission_url)
    )
}
